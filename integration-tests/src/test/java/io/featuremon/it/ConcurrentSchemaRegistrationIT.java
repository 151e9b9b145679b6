package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.featuremon.avro.DeadLetter;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryConfig;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Known bug, found by {@link OutageIT}: several featuremon instances (or stream threads) that write the first record
 * of a new output subject at the same moment all register its schema at once. Apicurio's Confluent API creates the
 * subject for one of them and answers the others HTTP 409 ("An artifact with ID ... already exists");
 * {@code HttpSchemaRegistryClient} takes any 4xx as final and throws a non-retriable {@code SchemaRegistryException},
 * so Kafka Streams shuts that instance down ({@code run} exits 1). A registry outage makes it likely: every instance
 * retries the registration in step and they all hit the registry together when it comes back (seen in OutageIT with
 * seed 817839997580: the first dead letter of the run fell into the outage; both instances retried
 * {@code POST .../subjects/<topic>-dead-letters-value/versions}; one got 409 and died).
 *
 * <p>Outputs stay exactly-once (the other instance takes the tasks over), but an outage is meant to be ridden out by
 * retrying. The fault-injection suites register their output schemas up front to keep this out of their way.
 *
 * <p>Fixed: a 409 on registration is now followed by a lookup of the schema ({@code POST /subjects/{subject}}), as
 * someone else registered it; this test guards the fix.
 */
@ExtendWith(KafkaStack.Resolver.class)
class ConcurrentSchemaRegistrationIT {

    private static final int INSTANCES = 4;
    private static final int SUBJECTS = 10;

    @Test
    void shouldGiveEveryInstanceTheSchemaIdWhenSeveralRegisterANewSubjectAtOnce(KafkaStack stack) throws Exception {
        Schema schema = SpecificData.getForClass(DeadLetter.class).getSchema(DeadLetter.class);
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
        try {
            for (int s = 0; s < SUBJECTS; s++) {
                String subject = "race-" + UUID.randomUUID() + "-value";
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<Integer>> ids = new ArrayList<>();
                for (int i = 0; i < INSTANCES; i++) {
                    // One client per instance: no shared cache, as in separate processes.
                    HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(
                            Map.of(SchemaRegistryConfig.URL, stack.registryUrl()));
                    ids.add(pool.submit(() -> {
                        gate.await();
                        return client.register(subject, schema);
                    }));
                }
                gate.countDown();
                List<Integer> got = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                for (Future<Integer> id : ids) {
                    try {
                        got.add(id.get(30, TimeUnit.SECONDS));
                    } catch (java.util.concurrent.ExecutionException e) {
                        failures.add(e.getCause().toString());
                    }
                }
                assertThat(failures).as(INSTANCES + " instances registering " + subject + " at once; ids returned: " + got)
                        .isEmpty();
                assertThat(got).as("the one id of " + subject).containsOnly(got.get(0));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
