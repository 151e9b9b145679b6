package io.featuremon.fuzz;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Groups dead-letter reasons (free text with numbers and names in it) into short codes for the summary, e.g.
 * {@code decode/wrong-magic}, {@code validate/non-finite}, {@code window/late}. A reason no rule knows keeps its
 * stage and first words with numbers and quoted names blanked out, so a new reason still groups.
 */
final class ReasonCodes {
  private record Rule(String stage, Pattern pattern, String code) {}

  /** Per stage, first match wins; a reason is matched only against its own stage's rules (names and numbers in it could match another's). */
  private static final List<Rule> RULES = List.of(
      rule("decode", "empty value|tombstone", "empty-value"),
      rule("decode", "exceeds input\\.max\\.record\\.bytes", "oversized"),
      rule("decode", "unknown magic byte", "wrong-magic"),
      rule("decode", "too short", "too-short"),
      rule("decode", "schema id -?\\d+ not found|/schemas/ids/.*(404|40403)|schema .*not found", "unknown-schema-id"),
      rule("decode", "bytes left over", "trailing-bytes"),
      rule("decode", "cannot be resolved|expecting|not a .* schema|is a \\w+ schema, not avro", "wrong-schema"),
      rule("decode", "length|claims|exceeds maximum|too large|limit|remain", "length-beyond-data"),
      rule("decode", "eof|end of (data|input|stream)|truncated", "truncated-avro"),
      rule("decode", "cannot decode", "malformed-avro"),
      rule("validate", "missing model|model name", "missing-model"),
      rule("validate", "before 1970", "negative-timestamp"),
      rule("validate", "after the record's timestamp|in the future|ahead", "future-timestamp"),
      rule("validate", "is nan|is -?infinity|non-finite|not finite", "non-finite"),
      rule("validate", "empty vector|no features", "empty"),
      rule("validate", "input\\.max\\.|too many|more than", "too-large"),
      rule("validate", "empty name", "empty-feature-name"),
      rule("window", "^late", "late"),
      rule("window", "dimensions but model", "wrong-dimension"),
      rule("window", "is numeric for model|is categorical for model|not among the", "schema-mismatch"));

  private ReasonCodes() {}

  private static Rule rule(String stage, String regex, String code) {
    return new Rule(stage, Pattern.compile(regex, Pattern.CASE_INSENSITIVE), code);
  }

  static String code(String stage, String reason) {
    String text = reason == null ? "" : reason;
    for (Rule rule : RULES) {
      if (rule.stage.equals(stage) && rule.pattern.matcher(text).find()) {
        return stage + "/" + rule.code;
      }
    }
    String words = text.replaceAll("'[^']*'", "_").replaceAll("-?\\d+(\\.\\d+)?", "N").toLowerCase(Locale.ROOT);
    String[] parts = words.split("[^a-z_N.]+");
    StringBuilder code = new StringBuilder(stage).append('/');
    int n = 0;
    for (String p : parts) {
      if (!p.isEmpty() && n < 4) {
        code.append(n++ == 0 ? "" : "-").append(p);
      }
    }
    return code.toString();
  }
}
