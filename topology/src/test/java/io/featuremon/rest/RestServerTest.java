package io.featuremon.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.topology.EventType;
import io.featuremon.topology.GroupKey;
import io.featuremon.topology.LatestState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer over real sockets, two servers on 127.0.0.1 whose state is given by maps: who owns which group,
 * what each holds. Kafka Streams' side (StreamsBackend) is tested by RestQueryIT on a real broker.
 */
class RestServerTest {
  private static final String TOKEN = "s3cret-token";
  private static final GroupKey CHURN = new GroupKey("churn", null, EventType.FEATURES);
  private static final GroupKey ENCODER = new GroupKey("encoder", "eu", EventType.EMBEDDING);
  // An alert as AvroJson renders it: the number's text must come back byte for byte, never re-rendered.
  private static final String ALERT = "{\"fingerprint\":\"f1\",\"status\":\"firing\",\"value\":0.74120000000000003}";
  private static final LatestState CHURN_STATE = new LatestState(0, 10, "{\"model\":\"churn\",\"count\":1.0E-7}",
      "{\"version\":2}", new TreeMap<>(Map.of("f1", ALERT)));
  private static final LatestState ENCODER_STATE = new LatestState(0, 10, "{\"model\":\"encoder\"}", null,
      new TreeMap<>());

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<RestServer> servers = new ArrayList<>();

  static final class MapBackend implements StateBackend {
    final Map<GroupKey, String> owners = new LinkedHashMap<>();
    final Map<GroupKey, LatestState> held = new LinkedHashMap<>();
    final List<String> instances = new ArrayList<>();
    String unavailable;

    private void check() throws Unavailable {
      if (unavailable != null) {
        throw new Unavailable(unavailable);
      }
    }

    @Override
    public String owner(GroupKey group) throws Unavailable {
      check();
      return owners.getOrDefault(group, instances.get(0));
    }

    @Override
    public LatestState local(GroupKey group) throws Unavailable {
      check();
      return held.get(group);
    }

    @Override
    public List<Map.Entry<GroupKey, LatestState>> localAll(int limit) throws Unavailable {
      check();
      return new ArrayList<>(held.entrySet());
    }

    @Override
    public List<String> instances() throws Unavailable {
      check();
      return instances;
    }

    @Override
    public List<Map<String, Object>> instanceMetadata() throws Unavailable {
      check();
      return instances.stream().map(i -> Map.<String, Object>of("instance", i)).toList();
    }
  }

  private final MapBackend a = new MapBackend();
  private final MapBackend b = new MapBackend();
  private String hostA;
  private String hostB;

  private void start(String token) throws IOException {
    hostA = "127.0.0.1:" + freePort();
    hostB = "127.0.0.1:" + freePort();
    for (MapBackend backend : List.of(a, b)) {
      backend.instances.addAll(List.of(hostA, hostB));
      backend.owners.put(CHURN, hostA);
      backend.owners.put(ENCODER, hostB);
    }
    a.held.put(CHURN, CHURN_STATE);
    b.held.put(ENCODER, ENCODER_STATE);
    servers.add(new RestServer(address(hostA), hostA, token, a));
    servers.add(new RestServer(address(hostB), hostB, token, b));
  }

  @AfterEach
  void stop() {
    servers.forEach(RestServer::close);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static InetSocketAddress address(String hostPort) {
    return new InetSocketAddress("127.0.0.1", Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)));
  }

  private HttpResponse<String> get(String host, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aGroupIsAnsweredTheSameByItsOwnerAndByTheInstanceThatForwardsToIt() throws Exception {
    start(null);
    HttpResponse<String> local = get(hostA, "/v1/groups/churn/features", null);
    HttpResponse<String> forwarded = get(hostB, "/v1/groups/churn/features", null);
    assertThat(local.statusCode()).isEqualTo(200);
    assertThat(forwarded.statusCode()).isEqualTo(200);
    assertThat(forwarded.body()).isEqualTo(local.body());
    assertThat(local.body()).isEqualTo("{\"model\":\"churn\",\"segment\":null,\"type\":\"features\","
        + "\"window\":{\"model\":\"churn\",\"count\":1.0E-7},\"mask\":{\"version\":2},\"firingAlerts\":[" + ALERT + "]}");
    assertThat(local.headers().firstValue(RestServer.INSTANCE_HEADER)).hasValue(hostA);
    assertThat(forwarded.headers().firstValue(RestServer.INSTANCE_HEADER)).as("answered from A's state").hasValue(hostA);
    assertThat(forwarded.headers().firstValue("X-Featuremon-Forwarded-To")).hasValue(hostA);

    HttpResponse<String> segment = get(hostA, "/v1/groups/encoder/embedding?segment=eu", null);
    assertThat(segment.statusCode()).isEqualTo(200);
    assertThat(segment.body()).contains("\"segment\":\"eu\"", "\"mask\":null", "\"firingAlerts\":[]");
  }

  @Test
  void listsAreGatheredFromEveryInstanceWithTheRecordsBytesKept() throws Exception {
    start(null);
    for (String host : List.of(hostA, hostB)) {
      HttpResponse<String> alerts = get(host, "/v1/alerts", null);
      assertThat(alerts.statusCode()).isEqualTo(200);
      assertThat(alerts.body()).isEqualTo("{\"alerts\":[" + ALERT + "],\"truncated\":false}");
      HttpResponse<String> groups = get(host, "/v1/groups", null);
      assertThat(groups.body()).as("sorted by model").isEqualTo("{\"groups\":["
          + "{\"model\":\"churn\",\"segment\":null,\"type\":\"features\",\"windowStart\":0,\"windowEnd\":10,"
          + "\"hasMask\":true,\"firingAlerts\":1},"
          + "{\"model\":\"encoder\",\"segment\":\"eu\",\"type\":\"embedding\",\"windowStart\":0,\"windowEnd\":10,"
          + "\"hasMask\":false,\"firingAlerts\":0}],\"truncated\":false}");
    }
    assertThat(get(hostB, "/v1/groups?model=encoder", null).body()).doesNotContain("churn").contains("encoder");
    assertThat(get(hostA, "/v1/instances", null).body()).isEqualTo("{\"self\":\"" + hostA + "\",\"instances\":["
        + "{\"instance\":\"" + hostA + "\"},{\"instance\":\"" + hostB + "\"}]}");
  }

  @Test
  void theTokenIsRequiredEverywhereButOnTheDescription() throws Exception {
    start(TOKEN);
    assertThat(get(hostA, "/v1/groups/churn/features", null).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = get(hostA, "/v1/groups/churn/features", TOKEN + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(get(hostA, "/v1/groups/churn/features", TOKEN).statusCode()).isEqualTo(200);
    assertThat(get(hostB, "/v1/groups/churn/features", TOKEN).statusCode()).as("the token travels when forwarded")
        .isEqualTo(200);
    assertThat(get(hostB, "/v1/alerts", TOKEN).statusCode()).isEqualTo(200);
    HttpResponse<String> openApi = get(hostA, "/openapi.yaml", null);
    assertThat(openApi.statusCode()).isEqualTo(200);
    assertThat(openApi.body()).startsWith("openapi: 3").contains("/v1/groups/{model}/{type}");
  }

  @Test
  void whileTheStateMovesEveryAnswerIs503WithRetryAfterEvenThroughAnotherInstance() throws Exception {
    start(null);
    a.unavailable = "Kafka Streams is REBALANCING";
    for (String path : List.of("/v1/groups/churn/features", "/v1/alerts", "/v1/groups", "/v1/instances")) {
      HttpResponse<String> response = get(hostA, path, null);
      assertThat(response.statusCode()).as(path).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).as(path).hasValue("2");
      assertThat(response.body()).as(path).contains("REBALANCING");
    }
    HttpResponse<String> viaB = get(hostB, "/v1/groups/churn/features", null);
    assertThat(viaB.statusCode()).isEqualTo(503);
    assertThat(viaB.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(get(hostB, "/v1/alerts", null).statusCode()).as("a list is whole or 503").isEqualTo(503);

    a.unavailable = null;
    servers.get(0).close(); // the owner is gone before the assignment says so
    HttpResponse<String> ownerGone = get(hostB, "/v1/groups/churn/features", null);
    assertThat(ownerGone.statusCode()).isEqualTo(503);
    assertThat(ownerGone.body()).contains(hostA + " did not answer");
  }

  @Test
  void anUnknownModelIs404NamingTheKnownOnesAndAKnownModelsOtherGroups() throws Exception {
    start(null);
    HttpResponse<String> unknown = get(hostB, "/v1/groups/nope/features", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("unknown model 'nope'", "known models: churn, encoder");
    HttpResponse<String> otherType = get(hostA, "/v1/groups/churn/embedding", null);
    assertThat(otherType.statusCode()).isEqualTo(404);
    assertThat(otherType.body()).contains("model 'churn' has: features");
    assertThat(get(hostA, "/v1/groups/churn/tabular", null).statusCode()).isEqualTo(400);
    assertThat(get(hostA, "/v1/nothing", null).statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://" + hostA + "/v1/groups"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }
}
