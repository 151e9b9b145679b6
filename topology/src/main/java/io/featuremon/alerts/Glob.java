package io.featuremon.alerts;

import java.util.List;
import java.util.regex.Pattern;

/** Shell-style globs, case-sensitive, matching the whole text: {@code *} any run of characters, {@code ?} one. */
final class Glob {
  private final String text;
  private final Pattern pattern;

  private Glob(String text) {
    this.text = text;
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    this.pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  static Glob of(String text) {
    return new Glob(text);
  }

  boolean matches(String value) {
    return pattern.matcher(value).matches();
  }

  /** True when any of the globs matches; an empty list matches everything. */
  static boolean any(List<Glob> globs, String value) {
    if (globs.isEmpty()) {
      return true;
    }
    for (Glob g : globs) {
      if (g.matches(value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }
}
