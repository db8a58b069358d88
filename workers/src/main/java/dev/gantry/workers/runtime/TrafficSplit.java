package dev.gantry.workers.runtime;

import java.util.List;

/**
 * Picks a backend for a request by the deployment's percentages: a draw in [0, 100) falls into one
 * version's share. Pure; the caller supplies the draw.
 */
public final class TrafficSplit<T> {
  /**
   * A backend and its share.
   *
   * @param target the backend
   * @param percentage its share, 0 < p <= 100
   */
  public record Share<T>(T target, double percentage) {}

  private final List<Share<T>> shares;
  private final double[] upTo;

  public TrafficSplit(List<Share<T>> shares) {
    if (shares.isEmpty()) {
      throw new IllegalArgumentException("a split needs at least one backend");
    }
    this.shares = List.copyOf(shares);
    this.upTo = new double[shares.size()];
    double sum = 0;
    for (int i = 0; i < shares.size(); i++) {
      sum += shares.get(i).percentage();
      upTo[i] = sum;
    }
  }

  /** The backend for a draw in [0, 100). */
  public T pick(double draw) {
    for (int i = 0; i < upTo.length; i++) {
      if (draw < upTo[i]) {
        return shares.get(i).target();
      }
    }
    return shares.get(shares.size() - 1).target();
  }

  public List<Share<T>> shares() {
    return shares;
  }
}
