package dev.kyanite.server.edge;

/**
 * Carries a {@link Problem} through {@code RoutingContext.fail(...)} or a throw inside a handler;
 * the edge failure handler renders it. No stack trace is captured: it is control flow, not a bug.
 */
public final class ProblemException extends RuntimeException {
  private final Problem problem;

  public ProblemException(Problem problem) {
    super(problem.slug() + (problem.detail() == null ? "" : ": " + problem.detail()), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
