package io.featuremon.backtest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featuremon.stats.scoring.Incident;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the labelled incidents of {@code backtest --incidents} into {@link Incident}s for
 * {@link io.featuremon.stats.scoring.Scoring}. It lives here and not in featuremon-stats because the stats module has
 * no run-time dependency at all, and YAML needs jackson-dataformat-yaml, which featuremon-topology already has.
 *
 * <h2>Formats</h2>
 * Chosen by the file name: {@code .yaml}/{@code .yml} or {@code .csv}. Times are ISO-8601 instants with an offset
 * ({@code 2026-03-01T10:00:00Z}, {@code 2026-03-01T11:00:00+01:00}) or epoch milliseconds; {@code end} equal to
 * {@code start} is a point incident.
 * <pre>{@code
 * # YAML: a list, or a mapping with the list under "incidents"
 * incidents:
 *   - {model: churn, segment: eu, start: 2026-03-01T10:00:00Z, end: 2026-03-01T12:00:00Z, label: upstream schema}
 *   - {model: churn, start: 1772366400000, end: 1772366400000}      # no segment: the whole model
 *
 * # CSV: a header naming the columns, in any order; segment and label may be left out, or empty for none;
 * # "quoted, cells" may hold commas; # starts a comment line
 * model,segment,start,end,label
 * churn,eu,2026-03-01T10:00:00Z,2026-03-01T12:00:00Z,upstream schema
 * churn,,1772366400000,1772366400000,
 * }</pre>
 * Every problem is reported at once, each naming its line.
 */
public final class IncidentsFile {

  static final List<String> CSV_HEADER = List.of("model", "segment", "start", "end", "label");
  private static final Set<String> KEYS = Set.copyOf(CSV_HEADER);
  private static final List<String> REQUIRED = List.of("model", "start", "end");

  private IncidentsFile() {}

  /** Reads {@code file}, YAML or CSV by its extension. */
  public static List<Incident> read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return parseYaml(file.toString(), text);
    }
    if (name.endsWith(".csv")) {
      return parseCsv(file.toString(), text);
    }
    throw new IncidentsFileException(file.toString(), List.of("line 1: not .yaml, .yml or .csv: cannot tell the format"));
  }

  /** Parses CSV text; {@code source} names it in errors. */
  public static List<Incident> parseCsv(String source, String text) {
    List<Incident> incidents = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    boolean headerSeen = false;
    // column of model, segment, start, end, label (-1: absent)
    int[] column = new int[CSV_HEADER.size()];
    int width = 0;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNr = i + 1;
      String line = lines[i];
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      List<String> cells;
      try {
        cells = cells(line);
      } catch (IllegalArgumentException e) {
        problems.add("line " + lineNr + ": " + e.getMessage());
        continue;
      }
      if (!headerSeen) {
        headerSeen = true;
        List<String> header = cells.stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
        List<String> unknown = header.stream().filter(h -> !CSV_HEADER.contains(h)).toList();
        List<String> missing = REQUIRED.stream().filter(h -> !header.contains(h)).toList();
        if (!unknown.isEmpty() || !missing.isEmpty() || Set.copyOf(header).size() != header.size()) {
          problems.add("line " + lineNr + ": the header names the columns, in any order: model, start and end, and"
              + " optionally segment and label (" + String.join(",", CSV_HEADER) + "); got " + line);
          break;
        }
        for (int c = 0; c < CSV_HEADER.size(); c++) {
          column[c] = header.indexOf(CSV_HEADER.get(c));
        }
        width = header.size();
        continue;
      }
      if (cells.size() != width) {
        problems.add("line " + lineNr + ": expected " + width + " cells, as the header has, got " + cells.size());
        continue;
      }
      String[] v = new String[CSV_HEADER.size()];
      for (int c = 0; c < v.length; c++) {
        v[c] = column[c] < 0 ? "" : cells.get(column[c]);
      }
      incident(lineNr, v[0], v[1], v[2], v[3], v[4], problems, incidents);
    }
    if (!headerSeen) {
      problems.add("line 1: empty, expected the header " + String.join(",", CSV_HEADER));
    }
    if (!problems.isEmpty()) {
      throw new IncidentsFileException(source, problems);
    }
    return incidents;
  }

  /** Parses YAML text; {@code source} names it in errors. */
  public static List<Incident> parseYaml(String source, String text) {
    List<Incident> incidents = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    try (JsonParser p = mapper.getFactory().createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return List.of(); // an empty file: no incidents
      }
      boolean underKey = first == JsonToken.START_OBJECT;
      if (underKey) {
        // a mapping: the list is under "incidents", nothing else is allowed
        JsonToken t = p.nextToken();
        if (t != JsonToken.FIELD_NAME || !"incidents".equals(p.currentName())) {
          throw new IncidentsFileException(source, List.of(line(p) + "expected the key incidents"));
        }
        first = p.nextToken();
      }
      if (first != JsonToken.START_ARRAY) {
        throw new IncidentsFileException(source, List.of(line(p) + "expected a list of incidents"));
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        int lineNr = p.currentTokenLocation().getLineNr();
        JsonNode node = mapper.readTree(p);
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
          String key = keys.next();
          if (!KEYS.contains(key)) {
            problems.add("line " + lineNr + ": unknown key " + key + ", allowed: " + String.join(", ", CSV_HEADER));
          }
        }
        incident(lineNr, text(node, "model"), text(node, "segment"), text(node, "start"), text(node, "end"),
            text(node, "label"), problems, incidents);
      }
      if (p.currentToken() != JsonToken.END_ARRAY) {
        problems.add(line(p) + "every incident must be a mapping (model, segment, start, end, label)");
      } else if (underKey ? p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null : p.nextToken() != null) {
        problems.add(line(p) + "unexpected content after the list of incidents");
      }
    } catch (JsonProcessingException e) {
      int lineNr = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      problems.add("line " + lineNr + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalStateException(e); // a String does not fail to read
    }
    if (!problems.isEmpty()) {
      throw new IncidentsFileException(source, problems);
    }
    return incidents;
  }

  private static String line(JsonParser p) {
    return "line " + p.currentTokenLocation().getLineNr() + ": ";
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void incident(int lineNr, String model, String segment, String start, String end, String label,
      List<String> problems, List<Incident> out) {
    int before = problems.size();
    if (model == null || model.isBlank()) {
      problems.add("line " + lineNr + ": model is missing");
    }
    Long startMs = time(lineNr, "start", start, problems);
    Long endMs = time(lineNr, "end", end, problems);
    if (problems.size() > before) {
      return;
    }
    if (endMs < startMs) {
      problems.add("line " + lineNr + ": end " + end + " is before start " + start);
      return;
    }
    out.add(new Incident(model.strip(), blankToNull(segment), startMs, endMs, blankToNull(label)));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** ISO-8601 instant (Z or an offset) or epoch milliseconds; null with a problem added when neither. */
  static Long time(int lineNr, String what, String value, List<String> problems) {
    if (value == null || value.isBlank()) {
      problems.add("line " + lineNr + ": " + what + " is missing");
      return null;
    }
    String v = value.strip();
    if (v.matches("-?\\d+")) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        // too long: falls through to the message
      }
    } else {
      try {
        return Instant.parse(v).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeParseException e2) {
          // falls through to the message
        }
      }
    }
    problems.add("line " + lineNr + ": " + what + " " + v
        + " is neither an ISO-8601 instant with an offset (2026-03-01T10:00:00Z) nor epoch milliseconds");
    return null;
  }

  /** One CSV line's cells: comma-separated, a cell may be "quoted" with "" for a quote inside. */
  static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"' && cell.toString().isBlank()) {
        quoted = true;
        cell.setLength(0);
      } else if (c == ',') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quoted cell is not closed");
    }
    cells.add(cell.toString().strip());
    return cells;
  }
}
