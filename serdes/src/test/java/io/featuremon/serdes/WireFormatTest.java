package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 0x01020304, 0x7fffffff, 0x80000000, -1})
    void shouldReadBackTheSchemaIdItWrote(int id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, id);

        assertThat(out.toByteArray()).hasSize(WireFormat.HEADER_LENGTH);
        assertThat(WireFormat.schemaId(out.toByteArray())).isEqualTo(id);
    }

    @Test
    void shouldWriteMagicByteThenBigEndianId() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x01020304);

        assertThat(out.toByteArray()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void shouldReadIdOfValueWithEmptyBody() {
        assertThat(WireFormat.schemaId(new byte[] {0, 0, 0, 1, 0})).isEqualTo(256);
    }

    @Test
    void shouldRejectNullValue() {
        assertThatThrownBy(() -> WireFormat.schemaId(null))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("null");
    }

    @Test
    void shouldRejectEmptyValue() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[0]))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("empty");
    }

    @Test
    void shouldRejectValueShorterThanTheHeader() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("too short: 3 bytes");
    }

    @Test
    void shouldRejectValueWithUnknownMagicByte() {
        byte[] json = "{\"model\":\"ranker\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> WireFormat.schemaId(json))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("unknown magic byte 0x7b")
                .hasMessageContaining("not the Confluent Avro wire format");
    }

    @Test
    void shouldPrintHighMagicByteAsUnsignedHex() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {(byte) 0xff}))
                .hasMessageContaining("unknown magic byte 0xff");
    }
}
