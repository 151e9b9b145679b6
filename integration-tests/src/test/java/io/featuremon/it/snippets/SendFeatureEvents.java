package io.featuremon.it.snippets;

import java.util.HashMap;
import java.util.Map;

import io.featuremon.avro.FeatureEvent;
import io.featuremon.serdes.AvroSerde;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java producer of the README's "Send your own events": the body of {@link #send} is the snippet the README
 * shows, line for line (SendYourOwnEventsIT checks both that it runs and that the README still shows it).
 *
 * <p>It encodes with featuremon's {@link AvroSerde} (Confluent wire format, schema registered under
 * {@code <topic>-value}), because Confluent's {@code KafkaAvroSerializer} is not in the Maven repositories this
 * project builds from; the README shows the {@code KafkaAvroSerializer} form beside it.
 *
 * <pre>java ... io.featuremon.it.snippets.SendFeatureEvents BOOTSTRAP REGISTRY_URL [TOPIC]</pre>
 */
public final class SendFeatureEvents {

    /** Events {@link #send} produces. */
    public static final int EVENTS = 20;
    /** The model they are for. */
    public static final String MODEL = "churn";

    private SendFeatureEvents() {
    }

    public static void main(String[] args) {
        send(args[0], args[1], args.length > 2 ? args[2] : "featuremon-features");
    }

    public static void send(String bootstrapServers, String registryUrl, String topic) {
        // --8<-- [start:snippet]
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrapServers, "schema.registry.url", registryUrl);
        AvroSerde<FeatureEvent> values = new AvroSerde<>(FeatureEvent.class);
        values.configure(config, false);
        try (KafkaProducer<String, FeatureEvent> producer =
                new KafkaProducer<>(config, new StringSerializer(), values.serializer())) {
            for (int i = 0; i < 20; i++) {
                Map<String, Object> features = new HashMap<>();
                features.put("age", 25.0 + (i * 7) % 40);                    // a double is numeric
                features.put("income_eur", 30_000.0 + (i * 3_791) % 50_000);
                features.put("country", i % 3 == 0 ? "FR" : "DE");           // a string is categorical
                FeatureEvent event = FeatureEvent.newBuilder()
                        .setModel("churn")
                        .setSegment(null)                                    // optional
                        .setTimestamp(System.currentTimeMillis())            // event time, epoch ms
                        .setRequestId("req-" + i)                            // optional
                        .setFeatures(features)
                        .build();
                producer.send(new ProducerRecord<>(topic, event.getModel(), event)); // key: the model
            }
        } // close() sends what is buffered
        // --8<-- [end:snippet]
    }
}
