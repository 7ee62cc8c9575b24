package dev.kyanite.core;

/**
 * Result of a component's {@code check()}: healthy, or not with a human-readable reason.
 *
 * @param ok whether the component can serve now
 * @param detail why not (empty when ok)
 */
public record Health(boolean ok, String detail) {
  public static final Health OK = new Health(true, "");

  public static Health down(String detail) {
    return new Health(false, detail);
  }
}
