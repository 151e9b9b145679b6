package io.featuremon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.featuremon.config.FeaturemonConfig;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Prometheus endpoint of {@code featuremon run} ({@code metrics.listen}): {@code GET /metrics} in the Prometheus
 * text format, with featuremon's own series ({@link PipelineMetrics}, given to the topology as its observer), the
 * Kafka Streams metrics ({@link KafkaStreamsCollector}) and the JVM's (Micrometer's binders), all from one Micrometer
 * {@link PrometheusMeterRegistry}.
 *
 * <pre>{@code
 * MetricsEndpoint endpoint = MetricsEndpoint.start(config);       // null when metrics.listen=off
 * KafkaStreams streams = FeaturemonApp.create(config, registry, endpoint.pipeline());
 * endpoint.bind(streams);
 * ...
 * endpoint.close();
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final PipelineMetrics pipeline;
  private final HttpServer server;
  private final ExecutorService executor;
  private final JvmGcMetrics gc;

  private MetricsEndpoint(InetSocketAddress address) throws IOException {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.pipeline = new PipelineMetrics();
    registry.getPrometheusRegistry().register(pipeline);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    this.gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.server = HttpServer.create(address, 16);
    // One thread: scrapes are rare (every 15-60 s) and must never compete with the stream threads for the 2 cores.
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "featuremon-metrics");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", this::scrape);
    server.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8",
        "featuremon serves its metrics at /metrics\n".getBytes(StandardCharsets.UTF_8)));
    server.start();
  }

  /**
   * Starts the endpoint where {@code metrics.listen} says, or returns null when it says {@code off}.
   *
   * @throws ConfigException naming {@code metrics.listen} when the address cannot be bound (in use, not local)
   */
  public static MetricsEndpoint start(FeaturemonConfig config) {
    var listen = config.metricsListen();
    if (listen.isEmpty()) {
      return null;
    }
    InetSocketAddress unresolved = listen.get();
    InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    if (address.isUnresolved()) {
      throw new ConfigException(FeaturemonConfig.METRICS_LISTEN, config.getString(FeaturemonConfig.METRICS_LISTEN),
          "unknown host " + unresolved.getHostString() + "; give an address of this machine, e.g. 127.0.0.1:9464");
    }
    try {
      return new MetricsEndpoint(address);
    } catch (BindException e) {
      throw new ConfigException(FeaturemonConfig.METRICS_LISTEN, config.getString(FeaturemonConfig.METRICS_LISTEN),
          "cannot listen there (" + e.getMessage() + "): another process, or another featuremon instance on this"
              + " host, may use the port; choose another port, 0 for a free one, or off");
    } catch (IOException e) {
      throw new ConfigException(FeaturemonConfig.METRICS_LISTEN, config.getString(FeaturemonConfig.METRICS_LISTEN),
          "cannot listen there: " + e.getMessage());
    }
  }

  /** What to give the topology as its observer. */
  public PipelineMetrics pipeline() {
    return pipeline;
  }

  /** Exports the Kafka Streams metrics of {@code streams} from now on. */
  public MetricsEndpoint bind(KafkaStreams streams) {
    registry.getPrometheusRegistry().register(new KafkaStreamsCollector(streams));
    return this;
  }

  /** The address the endpoint listens on (with the port chosen when {@code metrics.listen} gave 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The URL Prometheus scrapes. */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/metrics";
  }

  /** What a scrape returns now (the text format). */
  public String scrape() {
    return registry.scrape();
  }

  private void scrape(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
      respond(exchange, 405, "text/plain; charset=utf-8", "GET /metrics\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] body;
    try {
      body = registry.scrape().getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      respond(exchange, 500, "text/plain; charset=utf-8",
          ("scrape failed: " + e + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", body);
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    gc.close();
    registry.close();
  }
}
