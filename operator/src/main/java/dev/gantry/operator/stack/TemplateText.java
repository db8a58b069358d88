package dev.gantry.operator.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * A template string cut into literal text and {@code ${expression}}s. A string that is exactly one
 * expression keeps the expression's type when rendered (a number stays a number); otherwise the
 * parts are joined as text. {@code $${} writes a literal {@code ${}.
 */
public record TemplateText(List<Part> parts) {
  /** Literal text, or the source of one expression. */
  public record Part(String text, boolean expression) {}

  /** Whether the string holds no expression at all. */
  public boolean literal() {
    return parts.stream().noneMatch(Part::expression);
  }

  /** Whether the string is exactly one expression, whose value replaces it whole. */
  public boolean whole() {
    return parts.size() == 1 && parts.get(0).expression();
  }

  public List<String> expressions() {
    return parts.stream().filter(Part::expression).map(Part::text).toList();
  }

  /**
   * Cuts a string. Braces and quotes inside an expression are followed, so {@code ${ {'a': 1}.a }}
   * and {@code ${ 'x}' }} are one expression each.
   *
   * @throws IllegalArgumentException for an expression that is never closed or empty
   */
  public static TemplateText parse(String s) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("$${", i)) {
        literal.append("${");
        i += 3;
        continue;
      }
      if (!s.startsWith("${", i)) {
        literal.append(s.charAt(i++));
        continue;
      }
      int end = closing(s, i + 2);
      if (end < 0) {
        throw new IllegalArgumentException(
            "an expression opened with ${ at character " + (i + 1) + " is never closed with }");
      }
      String expression = s.substring(i + 2, end).strip();
      if (expression.isEmpty()) {
        throw new IllegalArgumentException("an empty ${} at character " + (i + 1));
      }
      if (literal.length() > 0) {
        parts.add(new Part(literal.toString(), false));
        literal.setLength(0);
      }
      parts.add(new Part(expression, true));
      i = end + 1;
    }
    if (literal.length() > 0 || parts.isEmpty()) {
      parts.add(new Part(literal.toString(), false));
    }
    return new TemplateText(List.copyOf(parts));
  }

  /** Index of the brace that closes an expression starting at {@code from}, or -1. */
  private static int closing(String s, int from) {
    int depth = 0;
    char quote = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      }
    }
    return -1;
  }
}
