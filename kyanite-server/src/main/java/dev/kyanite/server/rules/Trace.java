package dev.kyanite.server.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened while rules ran over one event, for dry runs ({@code POST /v1/rules/test}). Live
 * processing passes no trace and pays nothing for it. Not thread-safe.
 */
final class Trace {
  /**
   * One step.
   *
   * @param rule the rule's name
   * @param action index in the rule's actions, or -1 for the match condition
   * @param kind {@code condition} or the action kind
   * @param outcome {@code applied}, {@code skipped} (nothing to do) or {@code error}
   * @param detail why, for skipped and error steps; otherwise {@code null}
   */
  record Step(String rule, int action, String kind, String outcome, String detail) {}

  final List<String> matched = new ArrayList<>();
  final List<Step> steps = new ArrayList<>();

  void step(String rule, int action, String kind, String outcome, String detail) {
    steps.add(new Step(rule, action, kind, outcome, detail));
  }
}
