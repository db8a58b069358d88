package dev.gantry.workers.model;

/** A worker: a script of an account. */
public record WorkerKey(String account, String script) {
  @Override
  public String toString() {
    return account + "/" + script;
  }
}
