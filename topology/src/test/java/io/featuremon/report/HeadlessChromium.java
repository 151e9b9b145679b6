package io.featuremon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket client: no browser driver
 * to download, only the browser (Debian's {@code chromium}). The DevTools port is chosen by Chromium (port 0) and bound
 * to 127.0.0.1; closing kills the browser and every process it started.
 */
final class HeadlessChromium implements AutoCloseable {
  static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REPLY = Duration.ofSeconds(60);

  private final Process process;
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  /** Every event (a message without an id) in arrival order. */
  final List<JsonNode> events = new CopyOnWriteArrayList<>();

  static Optional<Path> executable() {
    return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  private final Path profile;

  private HeadlessChromium(Process process, Path profile) {
    this.process = process;
    this.profile = profile;
  }

  /** Starts the browser on about:blank, with a fresh profile directory, and connects to its page. */
  static HeadlessChromium start(Path executable) throws Exception {
    Path profile = Files.createTempDirectory("featuremon-chromium-");
    Process p = new ProcessBuilder(executable.toString(), "--headless", "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile, "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio", "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    HeadlessChromium browser = new HeadlessChromium(p, profile);
    try {
      browser.connect();
      return browser;
    } catch (Exception | Error e) {
      browser.close();
      throw e;
    }
  }

  private void connect() throws Exception {
    CompletableFuture<Matcher> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      // drains stderr for the whole run, so the browser never blocks on a full pipe
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          stderr.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            listening.complete(m);
          }
        }
      } catch (IOException e) {
        // the browser went away; close() reports nothing more
      }
      listening.completeExceptionally(new IllegalStateException("chromium exited before DevTools listened: "
          + String.join("\n", stderr)));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    Matcher m = listening.get(REPLY.toSeconds(), TimeUnit.SECONDS);
    int port = Integer.parseInt(m.group(2));
    HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
        .timeout(REPLY).build(), HttpResponse.BodyHandlers.ofString());
    String page = null;
    for (JsonNode target : JSON.readTree(list.body())) {
      if ("page".equals(target.path("type").asText())) {
        page = target.path("webSocketDebuggerUrl").asText();
        break;
      }
    }
    if (page == null) {
      throw new IllegalStateException("chromium has no page target: " + list.body());
    }
    socket = http.newWebSocketBuilder().connectTimeout(REPLY).buildAsync(URI.create(page), new Listener())
        .get(REPLY.toSeconds(), TimeUnit.SECONDS);
  }

  /** Sends one command to the page and waits for its result; a protocol error is an exception. */
  JsonNode send(String method, Map<String, ?> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(message), true).get(REPLY.toSeconds(), TimeUnit.SECONDS);
    JsonNode r = reply.get(REPLY.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.path("result");
  }

  /** The value of a JavaScript expression in the page, or an exception when it threw. */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException(expression + " threw: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  List<String> stderr() {
    return new ArrayList<>(stderr);
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    // Its children (renderer, GPU, zygote) are listed before the browser dies: afterwards they would belong to init.
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(c -> c.onExit().completeOnTimeout(c, 10, TimeUnit.SECONDS).join());
    deleteProfile();
  }

  /** The profile, and the socket directory its SingletonSocket link points to (a killed browser leaves both). */
  private void deleteProfile() {
    try {
      Path socket = profile.resolve("SingletonSocket");
      if (Files.isSymbolicLink(socket)) {
        Path target = Files.readSymbolicLink(socket).getParent();
        if (target != null && target.getFileName().toString().startsWith("org.chromium.")) {
          delete(target);
        }
      }
      delete(profile);
    } catch (IOException e) {
      // a leftover temporary directory is no reason to fail a test
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode message = JSON.readTree(text);
          if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
            if (reply != null) {
              reply.complete(message);
            }
          } else {
            events.add(message);
          }
        } catch (IOException e) {
          events.add(JSON.createObjectNode().put("method", "unparsable").put("text", text));
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(f -> f.completeExceptionally(error));
    }
  }
}
