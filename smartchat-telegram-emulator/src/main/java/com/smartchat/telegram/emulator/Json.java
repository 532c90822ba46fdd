package com.smartchat.telegram.emulator;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapper of the emulator and the few helpers everything else shares.
 * One mapper for all emulators, because building a mapper costs far more than starting the server.
 */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** Parses JSON text; throws {@link tools.jackson.core.JacksonException} (unchecked) when it is not JSON. */
    static JsonNode parse(String text) {
        return MAPPER.readTree(text);
    }
}
