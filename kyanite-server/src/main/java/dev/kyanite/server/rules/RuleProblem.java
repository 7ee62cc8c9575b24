package dev.kyanite.server.rules;

/**
 * One reason a rule (or endpoint filter) was refused, for the {@code errors} of a 400 problem.
 *
 * @param pointer JSON Pointer into the submitted document, e.g. {@code /match/condition}
 * @param keyword what failed: {@code required}, {@code type}, {@code cel}, {@code path},
 *     {@code unknown}, {@code limit}, {@code processor}
 * @param message human explanation
 * @param line 1-based line in the CEL expression, or {@code null} when not a CEL error
 * @param column 1-based column in the CEL expression, or {@code null}
 */
public record RuleProblem(String pointer, String keyword, String message, Integer line, Integer column) {

  static RuleProblem of(String pointer, String keyword, String message) {
    return new RuleProblem(pointer, keyword, message, null, null);
  }
}
