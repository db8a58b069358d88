package dev.gantry.workers;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive, named for what they do (thread dumps stay readable). */
public final class DaemonThreads implements ThreadFactory {
  private final String name;

  private DaemonThreads(String name) {
    this.name = name;
  }

  public static ThreadFactory named(String name) {
    return new DaemonThreads(name);
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
