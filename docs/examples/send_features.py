#!/usr/bin/env python3
"""Send FeatureEvent records to featuremon from Python (the README's "Send your own events").

Runs with Debian's python3-confluent-kafka and nothing else: it registers the schema over the registry's REST API
and writes the Confluent wire format itself (magic byte 0, 4-byte big-endian schema id, Avro binary), because
confluent_kafka's AvroSerializer needs fastavro. SendYourOwnEventsIT runs this file against a real broker and
registry; the README shows the AvroSerializer form beside it.

    python3 docs/examples/send_features.py BOOTSTRAP REGISTRY_URL [TOPIC]
"""
import json
import os
import struct
import sys
import time
import urllib.request

from confluent_kafka import Producer

SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "serdes", "src", "main", "avro", "FeatureEvent.avsc")


def register(registry_url, subject, schema_text):
    """POST the schema under the subject (Confluent REST API); returns its id. Idempotent."""
    request = urllib.request.Request(
        f"{registry_url}/subjects/{subject}/versions", method="POST",
        data=json.dumps({"schema": schema_text}).encode(),
        headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["id"]


def _long(n):  # Avro int/long: zig-zag, then 7 bits a byte
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _string(s):
    b = s.encode("utf-8")
    return _long(len(b)) + b


def _optional_string(s):  # union ["null", "string"]
    return _long(0) if s is None else _long(1) + _string(s)


def encode_feature_event(schema_id, model, timestamp_ms, features, segment=None, request_id=None):
    """One FeatureEvent in the Confluent wire format; features: name -> float | str | None."""
    out = bytearray(b"\x00" + struct.pack(">I", schema_id))
    out += _string(model) + _optional_string(segment) + _long(timestamp_ms) + _optional_string(request_id)
    if features:
        out += _long(len(features))  # one map block, then the empty block
        for name, value in features.items():
            out += _string(name)
            if value is None:  # union ["null", "double", "string"]
                out += _long(0)
            elif isinstance(value, str):
                out += _long(2) + _string(value)
            else:
                out += _long(1) + struct.pack("<d", float(value))
    out += _long(0)
    return bytes(out)


def main(bootstrap, registry_url, topic="featuremon-features"):
    # --8<-- [start:snippet]
    with open(SCHEMA_FILE) as f:  # serdes/src/main/avro/FeatureEvent.avsc
        schema_id = register(registry_url, f"{topic}-value", f.read())
    # murmur2_random: the partitioner of the Java client, so the key sends a model to the same partition from both
    producer = Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random"})
    for i in range(20):
        features = {"age": 25.0 + (i * 7) % 40,  # a float is numeric
                    "income_eur": 30000.0 + (i * 3791) % 50000,
                    "country": "FR" if i % 3 == 0 else "DE"}  # a str is categorical
        value = encode_feature_event(schema_id, "churn", int(time.time() * 1000), features,
                                     request_id=f"req-{i}")
        producer.produce(topic, key="churn", value=value)  # key: the model
    if producer.flush(30) > 0:
        sys.exit("some events were not delivered")
    # --8<-- [end:snippet]


if __name__ == "__main__":
    main(*sys.argv[1:])
