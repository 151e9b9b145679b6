package io.featuremon.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An annotation template: text with {@code {{name}}} placeholders (spaces inside the braces allowed), nothing else —
 * no conditionals, no functions, so rendering is a pure function of the variables. Which names exist is decided when
 * the rules load (see {@link AlertRules}); a placeholder whose variable has no value at run time (an absent segment)
 * renders as the empty string.
 */
final class Template {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  private final String text;
  /** Alternating literal text (even positions) and variable names (odd positions). */
  private final List<String> parts;

  private Template(String text, List<String> parts) {
    this.text = text;
    this.parts = parts;
  }

  /**
   * @throws IllegalArgumentException for a {@code {{} that does not open a well-formed placeholder
   */
  static Template parse(String text) {
    List<String> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int at = 0;
    while (m.find()) {
      String literal = text.substring(at, m.start());
      checkLiteral(literal, text);
      parts.add(literal);
      parts.add(m.group(1));
      at = m.end();
    }
    String tail = text.substring(at);
    checkLiteral(tail, text);
    parts.add(tail);
    return new Template(text, List.copyOf(parts));
  }

  private static void checkLiteral(String literal, String text) {
    int open = literal.indexOf("{{");
    if (open >= 0) {
      throw new IllegalArgumentException("malformed placeholder at \"" + abbreviate(literal.substring(open))
          + "\" in \"" + abbreviate(text) + "\"; write {{name}} with name made of letters, digits and '_'");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  /** The variable names used, in order of appearance, with repeats. */
  List<String> variables() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i < parts.size(); i += 2) {
      names.add(parts.get(i));
    }
    return names;
  }

  String render(Map<String, String> variables) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      if (i % 2 == 0) {
        out.append(parts.get(i));
      } else {
        out.append(variables.getOrDefault(parts.get(i), ""));
      }
    }
    return out.toString();
  }

  String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
