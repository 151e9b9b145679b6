package io.featuremon.replay;

import io.featuremon.avro.FeatureEvent;
import io.featuremon.config.Nearest;
import io.featuremon.replay.CsvOptions.Kind;
import io.featuremon.topology.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The rows of a CSV file (RFC 4180, see {@link CsvRecords}) as feature events: the same Avro record a JSON Lines
 * line with the same values gives, so a CSV replay equals the JSON Lines replay of the same rows byte for byte.
 *
 * <p>The first row is the header. Each column is one {@link Kind}: the model, segment, event time, ingest time and
 * request id by option ({@code --column NAME=KIND}) or else by conventional name (compared ignoring case:
 * {@code model}; {@code segment}; {@code timestamp}, {@code ts}, {@code time}, {@code event_time};
 * {@code ingest_time}; {@code id}, {@code request_id}); the model may instead be one name for every row. Every
 * other named column is a feature, in the file's order: numeric when every value in it that is not missing is a
 * number, categorical otherwise, unless an option says which. A column with an empty name (a spreadsheet's or
 * pandas' row index) is ignored, with a note.
 *
 * <p>Types are decided by a first pass over the whole file, which holds one count per column and nothing else;
 * the second pass then streams the rows. A type so decided depends only on the file, never on where a row falls,
 * and no row's type can change halfway, which one decided from the first rows could. With every feature's type
 * given there is one pass, and the input may be a pipe.
 *
 * <p>A missing value (an empty or blank cell, quoted or not, or a text given with {@code --missing}) is a null
 * feature, as a JSON null is. Numbers are decimal (sign, digits, point, exponent; spaces around them allowed) or
 * NaN and infinities ({@code nan}, {@code inf}, {@code infinity}, any case, signed), which validation refuses as
 * it refuses them in JSON. Text cells (categorical values, model, segment, id) are taken as written. Event times
 * are epoch milliseconds or ISO-8601, as in JSON Lines. A row that cannot be an event (a wrong number of cells, no
 * event time, a text in a column given as numeric, bad quoting) is a parse-stage dead letter with its line.
 */
final class CsvEvents implements EventSource {
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  /** An integer written with a leading zero, as codes are (zip codes, ids), never plain numbers. */
  private static final Pattern LEADING_ZERO = Pattern.compile("0[0-9]+");
  private static final Pattern NON_FINITE = Pattern.compile("([+-]?)(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);
  /** Texts that often mean "missing" in exported files; a categorical column because of one gets a note. */
  private static final Set<String> MISSING_LOOKING =
      Set.of("NA", "N/A", "n/a", "na", "NaN", "nan", "NULL", "null", "None", "none", "-", "?", "#N/A", "<NA>");
  private static final int NAMES_IN_NOTES = 8;

  private final Path path;
  private final CsvRecords records;
  private final List<String> header;
  private final Kind[] kinds;
  /** True for a feature column whose type an option gave. */
  private final boolean[] given;
  private final Map<Kind, Integer> roles = new EnumMap<>(Kind.class);
  private final String model;
  private final Set<String> missing;

  private CsvEvents(Path path, CsvRecords records, List<String> header, Kind[] kinds, boolean[] given, String model,
      Set<String> missing) {
    this.path = path;
    this.records = records;
    this.header = header;
    this.kinds = kinds;
    this.given = given;
    this.model = model;
    this.missing = missing;
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] != null && kinds[i].isRole()) {
        roles.put(kinds[i], i);
      }
    }
  }

  /** Reads the header and, unless every feature's type is given, the whole file once for the types. */
  static CsvEvents open(ReplayInput input, int maxFeatures) throws IOException {
    Path path = input.path();
    CsvOptions options = input.csv();
    char delimiter = options.delimiter() != null ? options.delimiter() : InputFormat.defaultDelimiter(path);
    CsvRecords records = new CsvRecords(path, delimiter, input.maxChars());
    try {
      CsvRecords.Row first = records.next();
      if (first == null) {
        throw new IllegalArgumentException(path + " is empty: a CSV file starts with a header row naming its"
            + " columns");
      }
      if (first.error() != null) {
        throw new IllegalArgumentException(path + ": the header row (line " + first.line() + ") cannot be read: "
            + first.error());
      }
      List<String> header = first.cells().stream().map(String::strip).toList();
      records.expectCells(header.size());
      Kind[] kinds = new Kind[header.size()];
      boolean[] given = new boolean[header.size()];
      String model = assignKinds(path, header, delimiter, options, kinds, given);
      List<Integer> features = new ArrayList<>();
      for (int i = 0; i < kinds.length; i++) {
        if (kinds[i] == null || kinds[i].isFeature()) {
          features.add(i);
        }
      }
      if (features.isEmpty()) {
        throw new IllegalArgumentException(path + " has no feature columns: every column is the model, segment,"
            + " time, ingest time, id or ignored (" + String.join(", ", quoted(header)) + ")");
      }
      if (features.size() > maxFeatures) {
        throw new IllegalArgumentException(path + " has " + features.size() + " feature columns, more than"
            + " input.max.features=" + maxFeatures + ", so every row would be refused; ignore some with"
            + " --column NAME=ignore or raise the limit with --set input.max.features=N");
      }
      Set<String> missing = options.missing();
      Inference inference = null;
      if (features.stream().anyMatch(i -> kinds[i] == null)) {
        if (!Files.isRegularFile(path)) {
          throw new IllegalArgumentException(path + " is not a regular file, and a CSV file is read twice, first for"
              + " its column types; give every feature column's type with --column NAME=numeric|categorical to read"
              + " it once");
        }
        inference = infer(records, header, kinds, missing);
        records.close();
        records = new CsvRecords(path, delimiter, input.maxChars());
        records.next(); // the header again
        records.expectCells(header.size());
      }
      CsvEvents events = new CsvEvents(path, records, header, kinds, given, model, missing);
      events.describe(input.notes(), features, inference);
      return events;
    } catch (IOException | RuntimeException e) {
      records.close();
      throw e;
    }
  }

  /** Gives each column its kind (features of unknown type stay null) and returns the model for every row, or null. */
  private static String assignKinds(Path path, List<String> header, char delimiter, CsvOptions options, Kind[] kinds,
      boolean[] given) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      if (name.isEmpty()) {
        kinds[i] = Kind.IGNORE;
        continue;
      }
      Integer before = index.putIfAbsent(name, i);
      if (before != null) {
        throw new IllegalArgumentException(path + ": column '" + name + "' is named twice in the header (columns "
            + (before + 1) + " and " + (i + 1) + ")");
      }
    }
    if (header.size() == 1) {
      for (char other : new char[] {',', ';', '\t', '|'}) {
        if (other != delimiter && header.get(0).indexOf(other) >= 0) {
          throw new IllegalArgumentException(path + ": the header is one column, '" + abbreviate(header.get(0))
              + "': is the file separated by '" + printable(other) + "'? (--delimiter '" + printable(other) + "')");
        }
      }
    }
    for (Map.Entry<String, Kind> e : options.columns().entrySet()) {
      Integer i = index.get(e.getKey().strip());
      if (i == null) {
        String wanted = e.getKey().strip();
        List<String> near = Nearest.of(wanted, index.keySet().stream().sorted().toList(), 3,
            Math.max(1, Math.min(3, wanted.length() / 3)));
        throw new IllegalArgumentException("--column " + e.getKey() + "=" + e.getValue() + ": " + path
            + " has no column '" + e.getKey() + "'" + (near.isEmpty() ? "" : " (did you mean " + String.join(", ",
            quoted(near)) + "?)") + "; its columns: " + String.join(", ", quoted(header)));
      }
      Kind kind = e.getValue();
      if (kind.isRole()) {
        for (int j = 0; j < kinds.length; j++) {
          if (kinds[j] == kind) {
            throw new IllegalArgumentException("--column gives two columns as the " + kind + ": '" + header.get(j)
                + "' and '" + header.get(i) + "'");
          }
        }
      }
      kinds[i] = kind;
      given[i] = kind.isFeature();
    }
    if (options.model() != null) {
      for (int i = 0; i < kinds.length; i++) {
        if (kinds[i] == Kind.MODEL) {
          throw new IllegalArgumentException("--model " + options.model() + " and --column " + header.get(i)
              + "=model both say where the model is; give one");
        }
      }
      if (options.model().isBlank()) {
        throw new IllegalArgumentException("--model is empty: every event needs a non-empty model name");
      }
    }
    for (Kind role : Kind.values()) {
      if (!role.isRole() || has(kinds, role)) {
        continue;
      }
      List<Integer> candidates = new ArrayList<>();
      for (int i = 0; i < kinds.length; i++) {
        if (kinds[i] == null && role.conventionalNames().contains(header.get(i).toLowerCase(Locale.ROOT))) {
          candidates.add(i);
        }
      }
      if (candidates.size() > 1) {
        List<String> names = candidates.stream().map(header::get).toList();
        throw new IllegalArgumentException(path + ": columns " + String.join(" and ", quoted(names)) + " could each"
            + " be the " + role + "; say which with --column " + names.get(0) + "=" + role.label() + " (and what the"
            + " other is: --column " + names.get(1) + "=numeric|categorical|ignore)");
      }
      if (candidates.size() == 1) {
        int i = candidates.get(0);
        if (role == Kind.MODEL && options.model() != null) {
          throw new IllegalArgumentException("--model " + options.model() + " is given, and " + path + " has a"
              + " column '" + header.get(i) + "': drop --model to take each row's model from it, or say what the"
              + " column is instead (--column " + header.get(i) + "=ignore, or =categorical to keep it as a"
              + " feature)");
        }
        kinds[i] = role;
      }
    }
    if (!has(kinds, Kind.TIME)) {
      throw new IllegalArgumentException(path + " has no event-time column (timestamp, ts, time or event_time):"
          + " name it with --column NAME=time; its columns: " + String.join(", ", quoted(header)));
    }
    if (!has(kinds, Kind.MODEL) && options.model() == null) {
      throw new IllegalArgumentException(path + " has no model column: name it with --column NAME=model, or give"
          + " every row's model with --model NAME; its columns: " + String.join(", ", quoted(header)));
    }
    return options.model();
  }

  /** What the first pass saw in one column whose type it decides. */
  private static final class ColumnValues {
    long numbers;
    long texts;
    String firstText;
    long firstTextLine;
    long firstNonFiniteLine;
    String firstNonFinite;
    long firstLeadingZeroLine;
    String firstLeadingZero;
  }

  private record Inference(long rows, Map<Integer, ColumnValues> columns) {}

  private static Inference infer(CsvRecords records, List<String> header, Kind[] kinds, Set<String> missing)
      throws IOException {
    Map<Integer, ColumnValues> columns = new LinkedHashMap<>();
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] == null) {
        columns.put(i, new ColumnValues());
      }
    }
    long rows = 0;
    CsvRecords.Row row;
    while ((row = records.next()) != null) {
      if (row.cells() == null || row.cells().size() != header.size()) {
        continue; // a dead letter in the second pass; it says nothing about the types
      }
      rows++;
      for (Map.Entry<Integer, ColumnValues> e : columns.entrySet()) {
        String cell = row.cells().get(e.getKey());
        if (isMissing(cell, missing)) {
          continue;
        }
        ColumnValues values = e.getValue();
        Double number = number(cell);
        if (number != null) {
          values.numbers++;
          if (values.firstNonFinite == null && !Double.isFinite(number)) {
            values.firstNonFinite = cell.strip();
            values.firstNonFiniteLine = row.line();
          }
          if (values.firstLeadingZero == null && LEADING_ZERO.matcher(cell.strip()).matches()) {
            values.firstLeadingZero = cell.strip();
            values.firstLeadingZeroLine = row.line();
          }
        } else {
          if (values.texts++ == 0) {
            values.firstText = cell;
            values.firstTextLine = row.line();
          }
        }
      }
    }
    for (Map.Entry<Integer, ColumnValues> e : columns.entrySet()) {
      kinds[e.getKey()] = e.getValue().texts == 0 ? Kind.NUMERIC : Kind.CATEGORICAL;
    }
    return new Inference(rows, columns);
  }

  /** Notes what each column was taken to be, and why a column is not what it may look like. */
  private void describe(Consumer<String> notes, List<Integer> features, Inference inference) {
    List<String> found = new ArrayList<>();
    if (model != null) {
      found.add("model '" + model + "' (--model)");
    }
    for (Map.Entry<Kind, Integer> e : roles.entrySet()) {
      found.add(ROLE_NAMES.get(e.getKey()) + " from '" + header.get(e.getValue()) + "'");
    }
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] == Kind.NUMERIC) {
        numeric.add(header.get(i));
      } else if (kinds[i] == Kind.CATEGORICAL) {
        categorical.add(header.get(i));
      } else if (kinds[i] == Kind.IGNORE) {
        ignored.add(header.get(i).isEmpty() ? "column " + (i + 1) + " (no name)" : "'" + header.get(i) + "'");
      }
    }
    notes.accept("reading " + path.getFileName() + " as CSV: " + String.join(", ", found)
        + (ignored.isEmpty() ? "" : "; ignored: " + String.join(", ", abbreviated(ignored))));
    notes.accept("  " + features.size() + (features.size() == 1 ? " feature" : " features") + ", types "
        + (inference == null ? "given" : "from a first pass over " + inference.rows() + " rows") + ": "
        + list("numeric", numeric) + "; " + list("categorical", categorical));
    if (inference == null) {
      return;
    }
    for (Map.Entry<Integer, ColumnValues> e : inference.columns().entrySet()) {
      String name = header.get(e.getKey());
      ColumnValues v = e.getValue();
      if (v.texts > 0 && v.numbers > 0) {
        String text = v.firstText.strip();
        notes.accept("  column '" + name + "' is categorical: " + v.numbers + (v.numbers == 1 ? " value is a number"
            : " values are numbers") + ", but '" + abbreviate(v.firstText) + "' on line " + v.firstTextLine
            + " is not" + (v.texts > 1 ? " (nor are " + (v.texts - 1) + " more)" : "")
            + (MISSING_LOOKING.contains(text) ? "; if '" + text + "' means missing, --missing '" + text
            + "' reads it so" : "") + "; --column " + name + "=numeric makes each row with a text in it a dead letter");
      } else if (v.texts == 0 && v.firstLeadingZero != null) {
        notes.accept("  column '" + name + "' is numeric, but '" + v.firstLeadingZero + "' on line "
            + v.firstLeadingZeroLine + " has a leading zero, as a code has; --column " + name + "=categorical keeps"
            + " each value as written");
      }
      if (v.texts == 0 && v.firstNonFinite != null) {
        notes.accept("  column '" + name + "' has '" + v.firstNonFinite + "' on line " + v.firstNonFiniteLine
            + ": validation refuses a row with a NaN or an infinity, as it does in JSON; if it means missing,"
            + " --missing '" + v.firstNonFinite + "' reads it so");
      }
    }
  }

  private static final Map<Kind, String> ROLE_NAMES = Map.of(Kind.MODEL, "model", Kind.SEGMENT, "segment",
      Kind.TIME, "event time", Kind.INGEST_TIME, "ingest time", Kind.ID, "request id");

  @Override
  public Item next() throws IOException {
    CsvRecords.Row row = records.next();
    if (row == null) {
      return null;
    }
    if (row.error() != null) {
      return Item.failure(row.line(), row.text(), row.error());
    }
    List<String> cells = row.cells();
    if (cells.size() != header.size()) {
      return Item.failure(row.line(), row.text(), "row of " + cells.size() + (cells.size() == 1 ? " cell" : " cells")
          + ", the header has " + header.size());
    }
    int timeColumn = roles.get(Kind.TIME);
    String timeCell = cells.get(timeColumn);
    if (isMissing(timeCell, missing)) {
      return Item.failure(row.line(), row.text(), "no event time: column '" + header.get(timeColumn) + "' is empty");
    }
    long timestamp;
    long ingest;
    try {
      timestamp = time(cells, timeColumn);
      Integer ingestColumn = roles.get(Kind.INGEST_TIME);
      ingest = ingestColumn == null || isMissing(cells.get(ingestColumn), missing) ? Math.max(0, timestamp)
          : time(cells, ingestColumn);
    } catch (IllegalArgumentException e) {
      return Item.failure(row.line(), row.text(), e.getMessage());
    }
    Map<String, Object> features = new LinkedHashMap<>();
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] == Kind.NUMERIC || kinds[i] == Kind.CATEGORICAL) {
        String cell = cells.get(i);
        if (isMissing(cell, missing)) {
          features.put(header.get(i), null);
        } else if (kinds[i] == Kind.CATEGORICAL) {
          features.put(header.get(i), cell);
        } else {
          Double number = number(cell);
          if (number == null) {
            return Item.failure(row.line(), row.text(), "column '" + header.get(i) + "': '" + abbreviate(cell)
                + "' is not a number (" + (given[i] ? "--column " + header.get(i) + "=numeric" : "the column was"
                + " read as numeric: the file changed since its first pass") + ")");
          }
          features.put(header.get(i), number);
        }
      }
    }
    String rowModel = model != null ? model : text(cells, Kind.MODEL);
    String segment = text(cells, Kind.SEGMENT);
    FeatureEvent avro = FeatureEvent.newBuilder()
        .setModel(rowModel == null ? "" : rowModel)
        .setSegment(segment)
        .setTimestamp(timestamp)
        .setRequestId(text(cells, Kind.ID))
        .setFeatures(features)
        .build();
    return new Item(row.line(), new JsonlEvent(EventType.FEATURES, avro.getModel(), segment, avro, ingest), row.text(),
        null);
  }

  private long time(List<String> cells, int column) {
    try {
      return EventTimes.parse(cells.get(column).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("column '" + header.get(column) + "': " + e.getMessage());
    }
  }

  /** The cell of a text column (model, segment, id) as written, or null when the file has none or it is missing. */
  private String text(List<String> cells, Kind kind) {
    Integer column = roles.get(kind);
    return column == null || isMissing(cells.get(column), missing) ? null : cells.get(column);
  }

  @Override
  public long lines() {
    return records.linesRead();
  }

  @Override
  public void close() throws IOException {
    records.close();
  }

  static boolean isMissing(String cell, Set<String> missing) {
    return cell.isBlank() || (!missing.isEmpty() && missing.contains(cell.strip()));
  }

  /** The cell as a number (spaces around it allowed), or null when it is not one. */
  static Double number(String cell) {
    String s = cell.strip();
    if (NUMBER.matcher(s).matches()) {
      return Double.parseDouble(s);
    }
    var m = NON_FINITE.matcher(s);
    if (m.matches()) {
      if (m.group(2).equalsIgnoreCase("nan")) {
        return Double.NaN;
      }
      return m.group(1).equals("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return null;
  }

  private static boolean has(Kind[] kinds, Kind kind) {
    for (Kind k : kinds) {
      if (k == kind) {
        return true;
      }
    }
    return false;
  }

  private static String list(String what, List<String> names) {
    return names.isEmpty() ? "none " + what : names.size() + " " + what + " (" + String.join(", ", abbreviated(names))
        + ")";
  }

  private static List<String> abbreviated(List<String> names) {
    if (names.size() <= NAMES_IN_NOTES) {
      return names;
    }
    List<String> some = new ArrayList<>(names.subList(0, NAMES_IN_NOTES - 1));
    some.add("and " + (names.size() - NAMES_IN_NOTES + 1) + " more");
    return some;
  }

  private static List<String> quoted(List<String> names) {
    return abbreviated(names.stream().map(n -> "'" + abbreviate(n) + "'").toList());
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  private static String printable(char c) {
    return c == '\t' ? "\\t" : String.valueOf(c);
  }
}
