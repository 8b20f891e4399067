package org.p2pnet.channel.tcp.internal;

import java.io.IOException;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PeerGroupPacket;

/**
 * The JSON rules of packet metadata (docs/PROTOCOL.md): one object, no duplicate keys, no
 * trailing tokens, nesting depth at most 32, no coercion between strings, numbers and booleans,
 * unknown fields ignored. Built-in records map by their component names; nothing is ever
 * deserialized polymorphically or through Java serialization.
 */
final class PacketJson {
    /** Deepest nesting of objects and arrays accepted in metadata. */
    static final int MAX_NESTING_DEPTH = 32;
    /** Longest accepted number literal; no packet field needs more than a long. */
    static final int MAX_NUMBER_LENGTH = 64;
    /** Longest accepted field name. */
    static final int MAX_NAME_LENGTH = 256;

    private PacketJson() {
    }

    /** A mapper for metadata of at most {@code maxFrameSize} bytes. */
    static JsonMapper newMapper(int maxFrameSize) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxDocumentLength(maxFrameSize)
                        .maxStringLength(maxFrameSize)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                        // an unknown DataFormat reaches the record as null, whose check names the field
                        DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.ACCEPT_FLOAT_AS_INT,
                        // optional fields (agent, name, retryAfterSeconds …) may be absent; the
                        // primitive ones that are required say so in the mixins below
                        DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .addModule(wireTypes())
                .addMixIn(IdentityPacket.class, IdentityMixin.class)
                .addMixIn(MessagePacket.class, MessageMixin.class)
                .addMixIn(DataPacket.class, DataMixin.class)
                .addMixIn(BroadcastPacket.class, BroadcastMixin.class)
                .addMixIn(PeerGroupPacket.class, PeerGroupMixin.class)
                .addMixIn(PeerGroupPacket.Entry.class, PeerEntryMixin.class)
                .build();
    }

    /**
     * Checks that custom-packet metadata is empty or one well-formed JSON object under the
     * same constraints, without building a tree.
     *
     * @return null when it is, else what is wrong
     */
    static String checkObjectOrEmpty(JsonFactory factory, byte[] metadata) {
        if (metadata.length == 0) {
            return null;
        }
        if (!startsWithObject(metadata)) {
            return "metadata is not a JSON object";
        }
        try (JsonParser parser = factory.createParser(metadata)) {
            parser.nextToken();
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "metadata has trailing content after the JSON object";
            }
            return null;
        } catch (IOException e) {
            return describe(e);
        }
    }

    /**
     * True when the first non-whitespace byte opens an object: a cheap test that spares
     * Jackson's less helpful messages about arrays, scalars or {@code null} at the top level.
     */
    static boolean startsWithObject(byte[] json) {
        for (byte b : json) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }

    /** A human-readable reason for a metadata decoding failure, naming the field when there is one. */
    static String describe(IOException e) {
        if (e instanceof ValueInstantiationException vie) {
            // a record constructor refused a value; its message names the field
            Throwable root = vie;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root instanceof IllegalArgumentException ? root.getMessage() : vie.getOriginalMessage();
            String path = path(vie);
            return path.isEmpty() ? message : path + ": " + message;
        }
        if (e instanceof JsonMappingException jme) {
            String path = path(jme);
            String message = jme.getOriginalMessage();
            if (message != null && message.startsWith("Missing required creator property")) {
                return path + " is missing";
            }
            if (message != null && message.startsWith("Cannot map `null` into type")) {
                return path + " is null or missing";
            }
            if (message != null && message.startsWith("Trailing token")) {
                return "metadata has trailing content after the JSON object";
            }
            message = withoutAdvice(message);
            return path.isEmpty() ? message : path + ": " + message;
        }
        if (e instanceof JsonProcessingException jpe) {
            return "invalid JSON: " + withoutAdvice(jpe.getOriginalMessage());
        }
        return "unreadable metadata: " + e.getMessage();
    }

    /** Jackson appends advice on enabling features and source references; a peer has no use for them. */
    private static String withoutAdvice(String message) {
        if (message == null) {
            return "";
        }
        String text = message.replaceAll(", from `[^`]*`", "");
        int cut = text.length();
        for (String tail : new String[] {" (but ", ": disable ", " (set DeserializationConfig", " (start marker at "}) {
            int at = text.indexOf(tail);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return text.substring(0, cut);
    }

    /** The JSON path of the failing value, for example {@code peers[3].port}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** PeerId as its 64-hex text; DisconnectReason by name, unknown names read as UNKNOWN. */
    private static SimpleModule wireTypes() {
        SimpleModule module = new SimpleModule("p2pnet-wire-types");
        module.addSerializer(PeerId.class, new JsonSerializer<>() {
            @Override
            public void serialize(PeerId value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.value());
            }
        });
        module.addDeserializer(PeerId.class, new JsonDeserializer<>() {
            @Override
            public PeerId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = requireString(p, ctxt, PeerId.class);
                try {
                    return PeerId.parse(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), text, PeerId.class);
                }
            }
        });
        module.addSerializer(DisconnectReason.class, new JsonSerializer<>() {
            @Override
            public void serialize(DisconnectReason value, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                gen.writeString(value.name());
            }
        });
        module.addDeserializer(DisconnectReason.class, new JsonDeserializer<>() {
            @Override
            public DisconnectReason deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return DisconnectReason.fromWire(requireString(p, ctxt, DisconnectReason.class));
            }
        });
        return module;
    }

    private static String requireString(JsonParser p, DeserializationContext ctxt, Class<?> type) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (String) ctxt.handleUnexpectedToken(type, p.currentToken(), p, "expected a string");
        }
        return p.getText();
    }

    // Primitive components cannot tell "absent" from 0 or false: these must be present.

    abstract static class IdentityMixin {
        @JsonProperty(required = true)
        abstract int listenPort();

        @JsonProperty(required = true)
        abstract int protocolVersion();
    }

    abstract static class MessageMixin {
        @JsonProperty(required = true)
        abstract long sentAt();
    }

    /** The body travels after the metadata as raw bytes, never inside the JSON. */
    @JsonIgnoreProperties("body")
    abstract static class DataMixin {
        @JsonProperty(required = true)
        abstract long offset();

        @JsonProperty(required = true)
        abstract long totalSize();

        @JsonProperty(required = true)
        abstract boolean last();
    }

    abstract static class BroadcastMixin {
        @JsonProperty(required = true)
        abstract long time();

        @JsonProperty(required = true)
        abstract int hopLimit();
    }

    /**
     * {@code want} is optional: absent reads as 0 (no request) and 0 is not written, so a plain list
     * of peers is the same JSON as before the field existed. {@code isRequest()} is not a field.
     */
    abstract static class PeerGroupMixin {
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        @JsonDeserialize(using = AbsentIntIsZero.class)
        abstract int want();

        @JsonIgnore
        abstract boolean isRequest();
    }

    /**
     * An optional {@code int} field: absent reads as 0. A present value follows the same rules as
     * every other integer (no strings, no fractions, within int range); {@code null} is still refused.
     */
    static final class AbsentIntIsZero extends StdDeserializer<Integer> {
        private static final long serialVersionUID = 1L;

        AbsentIntIsZero() {
            super(Integer.TYPE);
        }

        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return _parseIntPrimitive(p, ctxt);
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return 0;
        }

        @Override
        public Integer getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            return ctxt.reportInputMismatch(this, "null is not a number (leave the field out for 0)");
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Integer;
        }
    }

    abstract static class PeerEntryMixin {
        @JsonProperty(required = true)
        abstract int port();
    }
}
