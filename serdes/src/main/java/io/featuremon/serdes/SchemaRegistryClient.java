package io.featuremon.serdes;

import org.apache.avro.Schema;

/**
 * The three calls of the Confluent Schema Registry API that a serde needs.
 *
 * <p>Implementations: {@link HttpSchemaRegistryClient} for a real registry (Confluent, or Apicurio's
 * {@code /apis/ccompat/v7}), {@link InMemorySchemaRegistryClient} for tests and offline replay.
 * All implementations are thread-safe and cache their answers, so a serde may call them for every
 * record.
 *
 * <p>Errors: {@link SchemaNotFoundException} when the subject, schema or id is unknown (permanent);
 * {@link SchemaRegistryException} for any other refusal (misconfiguration);
 * {@link SchemaRegistryUnavailableException} when the registry cannot be reached (transient, never
 * the record's fault).
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}),
     * or finds it if it is already registered there.
     *
     * @return the schema id to put in the wire format
     */
    int register(String subject, Schema schema);

    /**
     * Finds the id of a schema already registered under {@code subject} ({@code POST /subjects/{subject}}).
     *
     * @throws SchemaNotFoundException if the subject or the schema under it is unknown
     */
    int lookup(String subject, Schema schema);

    /**
     * Fetches a schema by id ({@code GET /schemas/ids/{id}}).
     *
     * @throws SchemaNotFoundException if no Avro schema has this id
     */
    Schema getById(int id);
}
