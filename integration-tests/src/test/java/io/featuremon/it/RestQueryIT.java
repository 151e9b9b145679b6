package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.avro.Alert;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.it.support.Poll;
import io.featuremon.it.support.Scenario;
import io.featuremon.rest.RestServer;
import io.featuremon.serdes.AvroJson;
import io.featuremon.topology.EventType;
import io.featuremon.topology.FeaturemonTopology;
import io.featuremon.topology.GroupKey;
import io.featuremon.topology.LatestState;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two live instances of featuremon on the embedded broker and registry, each with its REST server (as {@code run}
 * starts it), over the real macrodata rows under a model name per partition: each group's latest window statistics, current
 * mask and firing alerts are the same from either instance (one answers from its own state, the other forwards to
 * it) and equal the last records the output topics got; the instance list names both; the bearer token is
 * enforced; and while an instance is rebalancing its answers are 503 with Retry-After.
 *
 * <p>Run with {@code mvn -o -B -pl integration-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=RestQueryIT}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class RestQueryIT {
  private static final Logger LOG = LoggerFactory.getLogger(RestQueryIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final String TOKEN = "it-token-7f3a";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void eitherInstanceGivesTheSameAnswersAsTheOutputTopicsAndA503WithRetryAfterWhileRebalancing(KafkaStack stack)
      throws Exception {
    Scenario macro = Scenario.macrodata(Map.of());
    // Copies under other model names until every partition of the state holds a group, so that each instance owns
    // one whatever the assignment: each answers some group from its own state and forwards another.
    FeaturemonConfig config = FeaturemonConfig.load(macro.settings(), null, Map.of());
    List<String> models = new ArrayList<>();
    TreeSet<Integer> covered = new TreeSet<>();
    for (char c = '@'; covered.size() < KafkaStack.PARTITIONS && c <= 'z'; c++) {
      String model = c == '@' ? "us-macro" : "us-macro-" + c;
      int partition = LatestState.partitioner(config).partitions(FeaturemonTopology.repartitionTopic(config),
          new GroupKey(model, null, EventType.FEATURES), null, KafkaStack.PARTITIONS).orElseThrow().iterator().next();
      if (covered.add(partition)) {
        models.add(model);
      }
    }
    assertThat(covered).hasSize(KafkaStack.PARTITIONS);
    List<String> lines = new ArrayList<>();
    for (String model : models) {
      for (String line : macro.lines()) {
        String copy = line.replace("\"model\":\"us-macro\"", "\"model\":\"" + model + "\"");
        assertThat(copy.contains("\"model\":\"" + model + "\"")).as("%s's copy of %s", model, line).isTrue();
        lines.add(copy);
      }
    }
    String a = "127.0.0.1:" + freePort();
    String b = "127.0.0.1:" + freePort();
    List<AutoCloseable> toClose = new ArrayList<>();
    try (LiveFeaturemon live = LiveFeaturemon.create(stack, "rest", macro.settings())) {
      live.produce(lines);

      live.start(work.resolve("a"), rest(a));
      RestServer restA = RestServer.start(live.config(), live.streams());
      toClose.add(restA);
      HttpResponse<String> whileStarting = get(a, "/v1/groups/us-macro/features", TOKEN);
      KafkaStreams.State stateA = live.streams().state();

      KafkaStreams second = live.startAnotherInstance(work.resolve("b"), rest(b));
      toClose.add(() -> second.close(Duration.ofSeconds(30)));
      FeaturemonConfig configB = FeaturemonConfig.load(Map.of(), null, bSettings(live, b));
      RestServer restB = RestServer.start(configB, second);
      toClose.add(restB);
      // B has just joined: it has no assignment yet, and A must give some of its tasks up. Asked now, B is rebalancing.
      KafkaStreams.State before = second.state();
      HttpResponse<String> rebalancing = get(b, "/v1/groups/us-macro/features", TOKEN);
      KafkaStreams.State after = second.state();
      System.out.println("503 while rebalancing (instance B " + before + " -> " + after + "):\n" + show(rebalancing));
      System.out.println("503 while starting (instance A, " + stateA + "):\n" + show(whileStarting));
      assertThat(before).as("B when asked").isNotEqualTo(KafkaStreams.State.RUNNING);
      assertThat(rebalancing.statusCode()).isEqualTo(503);
      assertThat(rebalancing.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(rebalancing.body()).contains("not queryable now", "REBALANCING");
      assertThat(whileStarting.statusCode()).isEqualTo(503);
      assertThat(whileStarting.headers().firstValue("Retry-After")).hasValue("2");

      live.awaitCaughtUp(TIMEOUT);
      Poll.until("both instances RUNNING", TIMEOUT, () -> live.streams().state() == KafkaStreams.State.RUNNING
          && second.state() == KafkaStreams.State.RUNNING ? Poll.Outcome.done("running")
          : Poll.Outcome.notYet("A " + live.streams().state() + ", B " + second.state()));
      live.awaitCaughtUp(TIMEOUT);

      Map<String, String> lastStats = last(live, live.config().windowStatsTopic(), WindowStats.class);
      Map<String, String> lastMask = last(live, live.config().masksTopic(), FeatureMask.class);
      Map<String, Map<String, String>> firing = firing(live);
      assertThat(lastStats).containsOnlyKeys(models.stream().map(m -> m + "||features").toList());
      assertThat(firing.get("us-macro||features")).as("the macro data is redundant: alerts fire").isNotEmpty();

      TreeSet<String> owners = new TreeSet<>();
      for (String model : models) {
        String path = "/v1/groups/" + model + "/features";
        HttpResponse<String> fromA = await(a, path);
        HttpResponse<String> fromB = await(b, path);
        System.out.println("GET " + path + " from A:\n" + show(fromA) + "\nfrom B:\n" + show(fromB));
        assertThat(fromB.body()).as("the same answer from both instances").isEqualTo(fromA.body());
        String owner = fromA.headers().firstValue("X-Featuremon-Instance").orElseThrow();
        assertThat(fromB.headers().firstValue("X-Featuremon-Instance")).as("from the owner's state").hasValue(owner);
        assertThat(owner).isIn(a, b);
        owners.add(owner);
        HttpResponse<String> forwarded = owner.equals(a) ? fromB : fromA;
        HttpResponse<String> local = owner.equals(a) ? fromA : fromB;
        assertThat(forwarded.headers().firstValue("X-Featuremon-Forwarded-To")).hasValue(owner);
        assertThat(local.headers().firstValue("X-Featuremon-Forwarded-To")).isEmpty();

        String key = model + "||features";
        JsonNode body = JSON.readTree(fromA.body());
        assertThat(body.get("model").asText()).isEqualTo(model);
        assertThat(fromA.body()).as("the window as the replay's JSON Lines render it")
            .contains("\"window\":" + lastStats.get(key) + ",")
            .contains("\"mask\":" + lastMask.get(key) + ",");
        assertThat(body.get("firingAlerts")).hasSize(firing.get(key).size());
        assertThat(fromA.body()).endsWith("\"firingAlerts\":[" + String.join(",", firing.get(key).values()) + "]}");
      }

      assertThat(owners).as("each instance answered a group from its own state").containsExactlyInAnyOrder(a, b);

      HttpResponse<String> instancesA = await(a, "/v1/instances");
      HttpResponse<String> instancesB = await(b, "/v1/instances");
      System.out.println("GET /v1/instances from A:\n" + show(instancesA) + "\nfrom B:\n" + show(instancesB));
      TreeSet<String> hosts = new TreeSet<>();
      TreeSet<Integer> partitions = new TreeSet<>();
      JSON.readTree(instancesA.body()).get("instances").forEach(i -> {
        hosts.add(i.get("instance").asText());
        i.get("activePartitions").forEach(p -> partitions.add(p.asInt()));
      });
      assertThat(hosts).containsExactlyInAnyOrder(a, b);
      assertThat(partitions).as("every partition of the state has an owner").containsExactly(0, 1, 2);
      assertThat(JSON.readTree(instancesB.body()).get("self").asText()).isEqualTo(b);

      HttpResponse<String> alertsA = await(a, "/v1/alerts");
      HttpResponse<String> alertsB = await(b, "/v1/alerts");
      assertThat(alertsB.body()).isEqualTo(alertsA.body());
      int firingCount = firing.values().stream().mapToInt(Map::size).sum();
      assertThat(JSON.readTree(alertsA.body()).get("alerts")).hasSize(firingCount);
      System.out.println("GET /v1/alerts from A and B (identical): " + firingCount + " firing, "
          + excerpt(alertsA.body()));
      HttpResponse<String> groups = await(b, "/v1/groups");
      System.out.println("GET /v1/groups from B:\n" + show(groups));

      HttpResponse<String> noToken = get(b, "/v1/groups/us-macro/features", null);
      HttpResponse<String> wrongToken = get(a, "/v1/alerts", TOKEN + "-wrong");
      System.out.println("without a token:\n" + show(noToken) + "\nwith a wrong one:\n" + show(wrongToken));
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(wrongToken.statusCode()).isEqualTo(401);

      HttpResponse<String> unknown = get(b, "/v1/groups/no-such-model/features", TOKEN);
      System.out.println("unknown model:\n" + show(unknown));
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("unknown model 'no-such-model'", "known models: " + String.join(", ", new TreeSet<>(models)));
    } finally {
      for (int i = toClose.size() - 1; i >= 0; i--) {
        toClose.get(i).close();
      }
    }
  }

  /**
   * With spread input the state is the merge stage's, partitioned by the partials' partitioner: a group's owner must
   * be found by that partitioner, or the owner's key query would look in the wrong partition and answer 404.
   */
  @Test
  void withSpreadInputEitherInstanceAnswersTheMergeStagesLatestWindow(KafkaStack stack) throws Exception {
    Scenario macro = Scenario.macrodata(Map.of());
    Map<String, String> settings = new LinkedHashMap<>(macro.settings());
    settings.put(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, String.valueOf(KafkaStack.PARTITIONS));
    String a = "127.0.0.1:" + freePort();
    String b = "127.0.0.1:" + freePort();
    List<AutoCloseable> toClose = new ArrayList<>();
    try (LiveFeaturemon live = LiveFeaturemon.create(stack, "rest-spread", settings)) {
      // Line i to partition i mod N, as producers keyed by request would spread them: every partition has events.
      List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      int i = 0;
      for (String line : macro.lines()) {
        io.featuremon.replay.JsonlEvent event = io.featuremon.replay.JsonlEvent.parse(line);
        records.add(new org.apache.kafka.clients.producer.ProducerRecord<>(live.config().featuresTopic(),
            i++ % KafkaStack.PARTITIONS, event.recordTimestamp(),
            event.model().getBytes(java.nio.charset.StandardCharsets.UTF_8), live.serialize(event.type(), event.avro())));
      }
      live.sendRecords(records);
      live.start(work.resolve("a"), rest(a));
      toClose.add(RestServer.start(live.config(), live.streams()));
      KafkaStreams second = live.startAnotherInstance(work.resolve("b"), rest(b));
      toClose.add(() -> second.close(Duration.ofSeconds(30)));
      toClose.add(RestServer.start(FeaturemonConfig.load(Map.of(), null, bSettings(live, b)), second));
      live.awaitCaughtUp(TIMEOUT);
      Map<String, String> lastStats = last(live, live.config().windowStatsTopic(), WindowStats.class);
      assertThat(lastStats).containsOnlyKeys("us-macro||features");

      HttpResponse<String> fromA = await(a, "/v1/groups/us-macro/features");
      HttpResponse<String> fromB = await(b, "/v1/groups/us-macro/features");
      System.out.println("spread input, GET /v1/groups/us-macro/features from A:\n" + show(fromA) + "\nfrom B:\n"
          + show(fromB));
      assertThat(fromB.body()).isEqualTo(fromA.body());
      assertThat(fromA.body()).contains("\"window\":" + lastStats.get("us-macro||features") + ",");
      String owner = fromA.headers().firstValue("X-Featuremon-Instance").orElseThrow();
      assertThat(fromB.headers().firstValue("X-Featuremon-Instance")).hasValue(owner);
      assertThat((owner.equals(a) ? fromB : fromA).headers().firstValue("X-Featuremon-Forwarded-To")).hasValue(owner);
    } finally {
      for (int k = toClose.size() - 1; k >= 0; k--) {
        toClose.get(k).close();
      }
    }
  }

  /** The REST settings of one instance: its own port, the token shared by all. */
  private static Map<String, String> rest(String hostPort) {
    return Map.of(FeaturemonConfig.REST_LISTEN, hostPort, FeaturemonConfig.REST_TOKEN, TOKEN,
        // As `run` passes it (RestServer.streamsSettings): other instances find this one's REST server here.
        "application.server", hostPort);
  }

  /** The settings startAnotherInstance gave B, for its REST server's config. */
  private static Map<String, String> bSettings(LiveFeaturemon live, String b) {
    Map<String, String> settings = new LinkedHashMap<>();
    live.config().originalsStrings().forEach(settings::put);
    settings.putAll(rest(b));
    return settings;
  }

  /** Polls until the instance answers 200 (after the rebalance, every instance does). */
  private HttpResponse<String> await(String host, String path) {
    List<HttpResponse<String>> last = new ArrayList<>();
    Poll.until(path + " from " + host + " answered 200", TIMEOUT, () -> {
      try {
        HttpResponse<String> response = get(host, path, TOKEN);
        last.add(0, response);
        return response.statusCode() == 200 ? Poll.Outcome.done("200")
            : Poll.Outcome.notYet(response.statusCode() + " " + response.body());
      } catch (Exception e) {
        return Poll.Outcome.notYet(e.toString());
      }
    });
    return last.get(0);
  }

  private HttpResponse<String> get(String host, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + path))
        .timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Per output key, the JSON line of the last record of {@code topic} (partition order is key order here). */
  private static <T extends org.apache.avro.specific.SpecificRecord> Map<String, String> last(LiveFeaturemon live,
      String topic, Class<T> type) {
    List<ConsumerRecord<byte[], byte[]>> records = live.readToEnd(topic);
    List<String> keys = LiveFeaturemon.keys(records);
    List<T> values = live.decode(records, type);
    Map<String, String> last = new TreeMap<>();
    for (int i = 0; i < records.size(); i++) {
      last.put(keys.get(i), AvroJson.toJsonLine(values.get(i)));
    }
    return last;
  }

  /** Per output key, the alerts fired and not resolved since, by fingerprint, as the alerts topic has them. */
  private static Map<String, Map<String, String>> firing(LiveFeaturemon live) {
    List<ConsumerRecord<byte[], byte[]>> records = live.readToEnd(live.config().alertsTopic());
    List<String> keys = LiveFeaturemon.keys(records);
    List<Alert> alerts = live.decode(records, Alert.class);
    Map<String, Map<String, String>> firing = new TreeMap<>();
    for (int i = 0; i < alerts.size(); i++) {
      Map<String, String> group = firing.computeIfAbsent(keys.get(i), k -> new TreeMap<>());
      Alert alert = alerts.get(i);
      if (alert.getStatus().equals("firing")) {
        group.put(alert.getFingerprint(), AvroJson.toJsonLine(alert));
      } else {
        group.remove(alert.getFingerprint());
      }
    }
    return firing;
  }

  private static String show(HttpResponse<String> response) {
    StringBuilder out = new StringBuilder("  HTTP " + response.statusCode());
    response.headers().map().forEach((k, v) -> {
      if (!k.equals(":status") && !k.equalsIgnoreCase("date")) {
        out.append("\n  ").append(k).append(": ").append(String.join(",", v));
      }
    });
    return out.append("\n  ").append(excerpt(response.body())).toString();
  }

  private static String excerpt(String body) {
    return body.length() <= 600 ? body : body.substring(0, 600) + " ... (" + body.length() + " chars)";
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
