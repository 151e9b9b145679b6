package io.featuremon.serdes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;

/**
 * A registry in memory, for unit tests and offline replay: no network, fully deterministic.
 *
 * <p>Distinct schemas get ids 1, 2, 3... in the order they are first registered; a schema is
 * identified by its JSON text ({@link Schema#toString()}), so registering the same text again, under
 * any subject, returns the same id, as Confluent and Apicurio do. Thread-safe.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<String, Integer> idsByText = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, Set<Integer>> idsBySubject = new HashMap<>();
    // Serializers pass the same Schema instance for every record: spare them Schema.toString() each time.
    private final Map<Schema, String> textBySchema = new IdentityHashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        Integer id = idsByText.get(text(schema));
        if (id == null) {
            schemasById.add(schema);
            id = schemasById.size();
            idsByText.put(text(schema), id);
        }
        idsBySubject.computeIfAbsent(subject, s -> new HashSet<>()).add(id);
        return id;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        Set<Integer> ids = idsBySubject.get(subject);
        if (ids == null) {
            throw new SchemaNotFoundException("subject '" + subject + "' not found", 404,
                    SchemaNotFoundException.SUBJECT_NOT_FOUND);
        }
        Integer id = idsByText.get(text(schema));
        if (id == null || !ids.contains(id)) {
            throw new SchemaNotFoundException("schema " + schema.getFullName() + " is not registered under subject '"
                    + subject + "'", 404, SchemaNotFoundException.SCHEMA_NOT_FOUND);
        }
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaNotFoundException("schema id " + id + " not found", 404,
                    SchemaNotFoundException.SCHEMA_NOT_FOUND);
        }
        return schemasById.get(id - 1);
    }

    private String text(Schema schema) {
        return textBySchema.computeIfAbsent(schema, Schema::toString);
    }
}
