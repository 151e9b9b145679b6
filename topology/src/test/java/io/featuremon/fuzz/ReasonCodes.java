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
  private record Rule(Pattern pattern, String code) {}

  private static final List<Rule> RULES = List.of(
      rule("empty value|tombstone", "empty-value"),
      rule("exceeds input\\.max\\.record\\.bytes", "oversized"),
      rule("unknown magic byte", "wrong-magic"),
      rule("too short", "too-short"),
      rule("schema id -?\\d+.*(not found|no schema|unknown|40403)|not found.*schema id|40403", "unknown-schema-id"),
      rule("bytes left over", "trailing-bytes"),
      rule("cannot be resolved|expecting|found .* expecting|not a .* schema", "wrong-schema"),
      rule("length|claims|exceeds maximum|too large|limit|remain", "length-beyond-data"),
      rule("eof|end of (data|input|stream)|truncated", "truncated-avro"),
      rule("missing model|model name", "missing-model"),
      rule("before 1970", "negative-timestamp"),
      rule("after the record's timestamp|in the future|ahead", "future-timestamp"),
      rule("is nan|is -?infinity|non-finite|not finite", "non-finite"),
      rule("empty vector|no features", "empty"),
      rule("input\\.max\\.dimensions|too many", "too-large"),
      rule("empty name", "empty-feature-name"),
      rule("^late", "late"),
      rule("dimensions but model", "wrong-dimension"),
      rule("is numeric for model|is categorical for model|not among the", "schema-mismatch"),
      rule("cannot decode", "malformed-avro"));

  private ReasonCodes() {}

  private static Rule rule(String regex, String code) {
    return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), code);
  }

  static String code(String stage, String reason) {
    String text = reason == null ? "" : reason;
    for (Rule rule : RULES) {
      if (rule.pattern.matcher(text).find()) {
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
