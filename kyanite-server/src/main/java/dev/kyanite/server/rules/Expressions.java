package dev.kyanite.server.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Compiles CEL expressions over the variable {@code event} (a {@code map(string, dyn)}: {@code id},
 * {@code type}, {@code source}, {@code subject}, {@code time}, {@code received_at}, {@code key},
 * {@code data}, {@code extensions}). Compilation parses and type-checks; errors carry a 1-based line
 * and column. Cost is bounded: the source size and parser nesting are capped, and comprehensions
 * ({@code all}, {@code exists}, {@code map}, {@code filter}) stop after a total iteration budget
 * per evaluation, which then fails like any other evaluation error. Thread-safe.
 */
final class Expressions {
  /** Defaults for {@link Limits}. */
  static final Limits DEFAULT_LIMITS = new Limits(4096, 32, 10_000);

  /**
   * @param maxBytes largest expression source in UTF-8 bytes
   * @param maxNesting deepest parser recursion (nesting of calls, operators and literals)
   * @param maxIterations comprehension iteration budget per evaluation
   */
  record Limits(int maxBytes, int maxNesting, int maxIterations) {}

  private final Limits limits;
  private final Cel conditions;
  private final Cel values;

  Expressions(Limits limits) {
    this.limits = limits;
    CelOptions options = CelOptions.current()
        .maxExpressionCodePointSize(limits.maxBytes())
        .maxParseRecursionDepth(limits.maxNesting())
        .comprehensionMaxIterations(limits.maxIterations())
        // JSON has one number type: 12 and 12.0 must compare equal, and 12 > 10.5 must work.
        .enableHeterogeneousNumericComparisons(true)
        .maxRegexProgramSize(1000)
        .build();
    this.values = CelFactory.standardCelBuilder()
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar("event", MapType.create(SimpleType.STRING, SimpleType.DYN))
        .build();
    this.conditions = values.toCelBuilder().setResultType(SimpleType.BOOL).build();
  }

  Limits limits() {
    return limits;
  }

  /** A boolean condition. */
  Compiled condition(String source) throws ExpressionError {
    return compile(conditions, source);
  }

  /** An expression of any type (the value of a {@code set}). */
  Compiled value(String source) throws ExpressionError {
    return compile(values, source);
  }

  private Compiled compile(Cel cel, String source) throws ExpressionError {
    if (source == null || source.isBlank()) throw new ExpressionError("expression is empty", 1, 1);
    int bytes = source.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxBytes()) {
      throw new ExpressionError("expression is " + bytes + " bytes, more than the limit of " + limits.maxBytes(), 1, 1);
    }
    CelValidationResult r;
    try {
      r = cel.compile(source);
    } catch (RuntimeException e) {
      throw new ExpressionError("expression cannot be compiled: " + e.getMessage(), 1, 1);
    }
    if (r.hasError()) {
      CelIssue first = r.getErrors().get(0);
      int line = Math.max(1, first.getSourceLocation().getLine());
      // CEL reports 0-based columns; humans and editors count from 1.
      int column = Math.max(0, first.getSourceLocation().getColumn()) + 1;
      throw new ExpressionError(first.getMessage(), line, column);
    }
    try {
      return new Compiled(source, cel.createProgram(r.getAst()), FastCel.compile(r.getAst(), limits.maxIterations()));
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      throw new ExpressionError("expression cannot be planned: " + e.getMessage(), 1, 1);
    }
  }

  /**
   * A compiled expression; evaluation is thread-safe.
   *
   * @param fast the direct evaluator for the common subset, or {@code null} (see {@link FastCel})
   */
  record Compiled(String source, CelRuntime.Program program, FastCel fast) {
    /** The value for this event: the fast form's when it decides, else CEL's (same result, same errors). */
    Object eval(EventMap event) throws CelEvaluationException {
      if (fast != null) {
        Object v = fast.eval(event);
        if (v != FastCel.BAIL) return v;
      }
      return evalCel(event);
    }

    /** CEL-Java's own evaluation, without copying the event into an activation map. */
    Object evalCel(EventMap event) throws CelEvaluationException {
      return program.eval(name -> name.equals("event") ? Optional.of(event) : Optional.empty());
    }
  }

  /** A parse, type or limit error in an expression, with its 1-based position. */
  static final class ExpressionError extends Exception {
    final int line;
    final int column;

    ExpressionError(String message, int line, int column) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }
}
