package io.featuremon.serdes;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not be reached, timed out or answered 5xx on every URL, even after the
 * configured retries.
 *
 * <p>This says nothing about the record: do not dead-letter it. Being a {@link RetriableException}
 * and not a {@code SerializationException}, it lets error handlers tell an outage from bad data;
 * the usual reaction is to fail the task and let it restart from the last committed offset.
 */
public class SchemaRegistryUnavailableException extends RetriableException {

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
