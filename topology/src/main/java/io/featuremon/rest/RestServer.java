package io.featuremon.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.topology.EventType;
import io.featuremon.topology.GroupKey;
import io.featuremon.topology.LatestState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;

/**
 * REST queries over featuremon's state, answered by any instance: a group's latest window statistics, current mask
 * and firing alerts ({@code GET /v1/groups/{model}/{type}}), every group ({@code /v1/groups}), every firing alert
 * ({@code /v1/alerts}), the instances ({@code /v1/instances}) and the OpenAPI description ({@code /openapi.yaml},
 * also {@code docs/openapi.yaml}). A group's query goes to the instance whose active task owns it (forwarded to
 * its {@code application.server}); a list is gathered from every instance. While an answer could be incomplete
 * (rebalancing, restoring, an owner not reachable) the answer is 503 with {@code Retry-After}, never a silent
 * null. Bodies embed the records exactly as the replay's JSON Lines render them.
 *
 * <p>The JDK's own HTTP server, so no dependency: a bounded pool of {@value #THREADS} threads, GET only, no
 * request bodies, URIs of at most {@value #MAX_URI} characters, forwarded calls bounded by
 * {@link #FORWARD_TIMEOUT}.
 *
 * <p>Started by {@code featuremon run} ({@link #start}); stop it with {@link #close}.
 */
public final class RestServer implements AutoCloseable {
  /** Seconds a client should wait after a 503: about one rebalance round on a healthy cluster. */
  static final int RETRY_AFTER_SECONDS = 2;
  static final int THREADS = 4;
  static final int QUEUE = 64;
  static final int MAX_URI = 4096;
  /** Most groups or alerts one list answer carries; past it the answer says truncated. */
  static final int MAX_LIST = 1000;
  /** Most model names a 404 lists. */
  static final int MAX_KNOWN_MODELS = 20;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);
  /** Marks a request one instance forwarded to another, which then answers itself or 503s, never forwards again. */
  static final String FORWARDED_HEADER = "X-Featuremon-Forwarded-By";
  /** The instance whose state a body comes from. */
  static final String INSTANCE_HEADER = "X-Featuremon-Instance";
  static final String OPENAPI_RESOURCE = "/io/featuremon/rest/openapi.yaml";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final HttpClient client;
  private final StateBackend backend;
  private final String self;
  /** SHA-256 of the token, so the comparison takes the same time whatever a guess has in common with it. */
  private final byte[] tokenHash;
  private final byte[] openApi;

  static {
    // The JDK server's own guards against slow clients, read once when it is first used; a value set on the
    // command line wins. Seconds.
    System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "30");
    System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "60");
  }

  RestServer(InetSocketAddress listen, String self, String token, StateBackend backend) throws IOException {
    this.self = self;
    this.backend = backend;
    this.tokenHash = token == null ? null : sha256(token);
    try (InputStream in = RestServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      this.openApi = in == null ? null : in.readAllBytes();
    }
    AtomicInteger threads = new AtomicInteger();
    // Bounded: a burst beyond the queue runs on the accepting thread, which slows accepting instead of growing.
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
        r -> {
          Thread t = new Thread(r, "featuremon-rest-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.server = HttpServer.create(listen, 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts the REST server of {@code config} (rest.listen, rest.advertised, rest.token) over {@code streams}, which
   * must have been created with application.server = {@link #applicationServer}.
   *
   * @throws ConfigException naming rest.listen when the address cannot be bound
   */
  public static RestServer start(FeaturemonConfig config, KafkaStreams streams) {
    try {
      return new RestServer(config.restListen(), config.restAdvertised(), config.restToken(),
          new StreamsBackend(streams, config));
    } catch (BindException e) {
      throw new ConfigException(FeaturemonConfig.REST_LISTEN, config.getString(FeaturemonConfig.REST_LISTEN),
          "cannot listen there (" + e.getMessage() + "): another process (another featuremon?) has the port, or the"
              + " address is not this host's; choose another port, or off");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the REST server on " + config.restListen(), e);
    }
  }

  /** The Kafka Streams settings the REST server needs: application.server, so other instances find this one. */
  public static Map<String, Object> streamsSettings(FeaturemonConfig config) {
    return config.restEnabled() ? Map.of("application.server", config.restAdvertised()) : Map.of();
  }

  /** The bound address (the configured one; its port when 0 was asked for in a test). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }

  // ---- dispatch

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Answer answer;
      try {
        answer = route(exchange);
      } catch (RuntimeException e) {
        answer = Answer.error(500, "internal error: " + e);
      }
      answer.send(exchange, self);
    }
  }

  private Answer route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET")) {
      return Answer.error(405, "only GET is served").header("Allow", "GET");
    }
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if ((length != null && !length.equals("0")) || exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
      return Answer.error(413, "requests carry no body");
    }
    URI uri = exchange.getRequestURI();
    if (uri.toString().length() > MAX_URI) {
      return Answer.error(414, "the URI is longer than " + MAX_URI + " characters");
    }
    String path = uri.getRawPath();
    if (path.equals("/openapi.yaml")) {
      return openApi == null ? Answer.error(404, "the OpenAPI description is not in this build")
          : new Answer(200, "application/yaml", openApi);
    }
    if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return Answer.error(401, "missing or wrong bearer token (Authorization: Bearer TOKEN, as rest.token)")
          .header("WWW-Authenticate", "Bearer realm=\"featuremon\"");
    }
    Map<String, String> query = query(uri.getRawQuery());
    String forwardedBy = exchange.getRequestHeaders().getFirst(FORWARDED_HEADER);
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    List<String> segments = segments(path);
    try {
      if (segments.size() >= 2 && segments.get(0).equals("v1")) {
        String resource = segments.get(1);
        if (resource.equals("instances") && segments.size() == 2) {
          return instances();
        }
        if (resource.equals("groups") && segments.size() == 2) {
          return groups(query, auth);
        }
        if (resource.equals("alerts") && segments.size() == 2) {
          return alerts(query, auth);
        }
        if (resource.equals("groups") && segments.size() == 4) {
          return group(segments.get(2), segments.get(3), query, forwardedBy, auth, uri);
        }
      }
    } catch (StateBackend.Unavailable e) {
      return Answer.unavailable(e.getMessage());
    }
    return Answer.error(404, "no such resource: " + path + " (see /openapi.yaml: /v1/groups, /v1/groups/{model}/{type},"
        + " /v1/alerts, /v1/instances)");
  }

  private boolean authorized(String header) {
    if (tokenHash == null) {
      return true;
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(tokenHash, sha256(header.substring(7).trim()));
  }

  // ---- resources

  private Answer instances() throws StateBackend.Unavailable {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("self", self);
    body.put("instances", backend.instanceMetadata());
    return Answer.json(200, body);
  }

  private Answer group(String rawModel, String rawType, Map<String, String> query, String forwardedBy, String auth,
      URI uri) throws StateBackend.Unavailable {
    String model = decode(rawModel);
    EventType type;
    try {
      type = EventType.ofLabel(decode(rawType));
    } catch (IllegalArgumentException e) {
      return Answer.error(400, e.getMessage());
    }
    String segment = query.get("segment");
    GroupKey key = new GroupKey(model, segment == null || segment.isEmpty() ? null : segment, type);
    String owner = backend.owner(key);
    if (!owner.equals(self)) {
      if (forwardedBy != null) {
        // The forwarding instance saw another owner: the assignment is moving. Forwarding on could loop.
        return Answer.unavailable(forwardedBy + " sent " + key.outputKey() + " here, but " + owner + " owns it now");
      }
      return forward(owner, uri, auth);
    }
    LatestState state = backend.local(key);
    if (state == null) {
      return notFound(key, auth);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", key.model());
    body.put("segment", key.segment());
    body.put("type", key.type().label());
    body.put("window", Raw.of(state.windowJson()));
    body.put("mask", state.maskJson() == null ? null : Raw.of(state.maskJson()));
    body.put("firingAlerts", state.firingAlerts().values().stream().map(Raw::of).toList());
    return Answer.json(200, body);
  }

  /** 404 naming what there is: the model's other groups, or (bounded) the known models. */
  private Answer notFound(GroupKey key, String auth) {
    String what = "no statistics for model '" + key.model() + "'" + (key.segment() == null ? ""
        : " segment '" + key.segment() + "'") + " type " + key.type().label();
    List<Map<String, Object>> known;
    try {
      known = gather("groups", Map.of(), auth);
    } catch (StateBackend.Unavailable e) {
      return Answer.error(404, what + " (the known models cannot be listed now: " + e.getMessage() + ")");
    }
    List<String> sameModel = new ArrayList<>();
    TreeSet<String> models = new TreeSet<>();
    for (Map<String, Object> g : known) {
      models.add((String) g.get("model"));
      if (key.model().equals(g.get("model"))) {
        sameModel.add(g.get("type") + (g.get("segment") == null ? "" : " segment '" + g.get("segment") + "'"));
      }
    }
    if (!sameModel.isEmpty()) {
      return Answer.error(404, what + "; model '" + key.model() + "' has: " + String.join(", ", sameModel));
    }
    List<String> listed = models.stream().limit(MAX_KNOWN_MODELS).toList();
    return Answer.error(404, "unknown model '" + key.model() + "' (" + what + "); known models: "
        + (listed.isEmpty() ? "none yet (no window has closed)" : String.join(", ", listed))
        + (models.size() > listed.size() ? " and " + (models.size() - listed.size()) + " more (GET /v1/groups)" : ""));
  }

  private Answer groups(Map<String, String> query, String auth) throws StateBackend.Unavailable {
    if ("local".equals(query.get("scope"))) {
      return Answer.jsonLines(localGroups(query.get("model")));
    }
    List<Map<String, Object>> all = gather("groups", filter(query), auth);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("groups", all.subList(0, Math.min(all.size(), MAX_LIST)));
    body.put("truncated", all.size() > MAX_LIST);
    return Answer.json(200, body);
  }

  private Answer alerts(Map<String, String> query, String auth) throws StateBackend.Unavailable {
    if ("local".equals(query.get("scope"))) {
      List<Map<String, Object>> lines = new ArrayList<>();
      for (Map.Entry<GroupKey, LatestState> e : backend.localAll(MAX_LIST + 1)) {
        if (matches(e.getKey(), query.get("model"))) {
          for (String alert : e.getValue().firingAlerts().values()) {
            lines.add(sortable(e.getKey(), Raw.of(alert)));
          }
        }
      }
      return Answer.jsonLines(lines);
    }
    List<Map<String, Object>> all = gather("alerts", filter(query), auth);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("alerts", all.subList(0, Math.min(all.size(), MAX_LIST)).stream().map(a -> a.get("alert")).toList());
    body.put("truncated", all.size() > MAX_LIST);
    return Answer.json(200, body);
  }

  private static Map<String, String> filter(Map<String, String> query) {
    return query.containsKey("model") ? Map.of("model", query.get("model")) : Map.of();
  }

  private static boolean matches(GroupKey key, String model) {
    return model == null || model.equals(key.model());
  }

  private List<Map<String, Object>> localGroups(String model) throws StateBackend.Unavailable {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (Map.Entry<GroupKey, LatestState> e : backend.localAll(MAX_LIST + 1)) {
      if (matches(e.getKey(), model)) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("model", e.getKey().model());
        g.put("segment", e.getKey().segment());
        g.put("type", e.getKey().type().label());
        g.put("windowStart", e.getValue().windowStart());
        g.put("windowEnd", e.getValue().windowEnd());
        g.put("hasMask", e.getValue().maskJson() != null);
        g.put("firingAlerts", e.getValue().firingAlerts().size());
        lines.add(g);
      }
    }
    return lines;
  }

  private static Map<String, Object> sortable(GroupKey key, Raw alert) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("model", key.model());
    line.put("segment", key.segment());
    line.put("type", key.type().label());
    line.put("alert", alert);
    return line;
  }

  /**
   * A list from every instance (this one's from its own state, the others' over HTTP with {@code scope=local}),
   * sorted by group: complete or Unavailable, never a part presented as the whole.
   */
  private List<Map<String, Object>> gather(String resource, Map<String, String> filter, String auth)
      throws StateBackend.Unavailable {
    List<Map<String, Object>> all = new ArrayList<>();
    for (String instance : backend.instances()) {
      if (instance.equals(self)) {
        Answer local = resource.equals("groups") ? groups(withLocal(filter), auth) : alerts(withLocal(filter), auth);
        all.addAll(parseLines(local.body));
        continue;
      }
      StringBuilder uri = new StringBuilder("http://" + instance + "/v1/" + resource + "?scope=local");
      filter.forEach((k, v) -> uri.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
      HttpResponse<byte[]> response = call(instance, URI.create(uri.toString()), auth);
      if (response.statusCode() != 200) {
        throw new StateBackend.Unavailable(instance + " answered " + response.statusCode() + ": "
            + new String(response.body(), StandardCharsets.UTF_8));
      }
      all.addAll(parseLines(response.body()));
    }
    Comparator<Map<String, Object>> byGroup = Comparator.comparing((Map<String, Object> m) -> (String) m.get("model"))
        .thenComparing(m -> m.get("segment") == null ? "" : (String) m.get("segment"))
        .thenComparing(m -> (String) m.get("type"));
    all.sort(byGroup);
    return all;
  }

  private static Map<String, String> withLocal(Map<String, String> filter) {
    Map<String, String> q = new TreeMap<>(filter);
    q.put("scope", "local");
    return q;
  }

  /** JSON Lines as maps; an embedded record stays as its bytes were ({@link Raw}), so nothing is re-rendered. */
  private static List<Map<String, Object>> parseLines(byte[] body) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode node = JSON.readTree(line);
        Map<String, Object> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().isObject() ? Raw.of(rawField(line, f.getKey()))
            : f.getValue().isNull() ? null : f.getValue().isNumber() ? f.getValue().numberValue()
            : f.getValue().isBoolean() ? f.getValue().booleanValue() : f.getValue().asText()));
        out.add(m);
      } catch (IOException e) {
        throw new UncheckedIOException("an instance sent an unreadable line: " + line, e);
      }
    }
    return out;
  }

  /**
   * The text of the object-valued field {@code name} of a line this server wrote (its last field, "alert"): what
   * follows {@code "name":} up to the closing brace of the line.
   */
  private static String rawField(String line, String name) {
    String marker = "\"" + name + "\":";
    // The first occurrence: the fields before it are strings, in which a quote is escaped, so the marker cannot
    // occur in them; the record after it may hold the marker itself.
    int start = line.indexOf(marker);
    if (start < 0 || !line.endsWith("}")) {
      throw new IllegalStateException("no field " + name + " in " + line);
    }
    return line.substring(start + marker.length(), line.length() - 1);
  }

  private Answer forward(String owner, URI uri, String auth) {
    HttpResponse<byte[]> response;
    try {
      response = call(owner, URI.create("http://" + owner + uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())), auth);
    } catch (StateBackend.Unavailable e) {
      return Answer.unavailable(e.getMessage());
    }
    Answer answer = new Answer(response.statusCode(), response.headers().firstValue("Content-Type")
        .orElse("application/json"), response.body());
    response.headers().firstValue("Retry-After").ifPresent(v -> answer.header("Retry-After", v));
    response.headers().firstValue(INSTANCE_HEADER).ifPresent(v -> answer.header(INSTANCE_HEADER, v));
    return answer.header("X-Featuremon-Forwarded-To", owner);
  }

  private HttpResponse<byte[]> call(String instance, URI uri, String auth) throws StateBackend.Unavailable {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT).GET()
        .header(FORWARDED_HEADER, self);
    if (auth != null) {
      request.header("Authorization", auth);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new StateBackend.Unavailable("instance " + instance + " did not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateBackend.Unavailable("interrupted while asking " + instance);
    }
  }

  // ---- helpers

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new TreeMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON text written as it is: a record rendered once by AvroJson keeps its exact bytes. */
  record Raw(String json) {
    static Raw of(String json) {
      return new Raw(json);
    }
  }

  /** A response: status, type, body and extra headers. */
  static final class Answer {
    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();

    Answer(int status, String contentType, byte[] body) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }

    Answer header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    static Answer json(int status, Object body) {
      return new Answer(status, "application/json", write(body));
    }

    static Answer jsonLines(List<Map<String, Object>> lines) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Map<String, Object> line : lines) {
        out.writeBytes(write(line));
        out.write('\n');
      }
      return new Answer(200, "application/x-ndjson", out.toByteArray());
    }

    static Answer error(int status, String message) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", status);
      body.put("error", message);
      return json(status, body);
    }

    static Answer unavailable(String why) {
      return error(503, "not queryable now, retry: " + why).header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }

    void send(HttpExchange exchange, String self) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (!headers.containsKey(INSTANCE_HEADER)) {
        exchange.getResponseHeaders().set(INSTANCE_HEADER, self);
      }
      headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }

    private static byte[] write(Object body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
        writeValue(g, body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(JsonGenerator g, Object value) throws IOException {
      if (value instanceof Raw raw) {
        g.writeRawValue(raw.json());
      } else if (value instanceof Map<?, ?> map) {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          writeValue(g, e.getValue());
        }
        g.writeEndObject();
      } else if (value instanceof Iterable<?> list) {
        g.writeStartArray();
        for (Object o : list) {
          writeValue(g, o);
        }
        g.writeEndArray();
      } else {
        JSON.writeValue(g, value);
      }
    }
  }
}
