package com.smartchat.host.channels;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * Keeps webhook ids out of exported traces: a request's span names the route {@code /hooks/{id}}, never the
 * address, which anyone who learns it can send requests to.
 */
@Component
class HookIdsOutOfTraces implements ObservationFilter {

    @Override
    public Observation.Context map(Observation.Context context) {
        if (context instanceof ServerRequestObservationContext request
                && request.getCarrier().getRequestURI().startsWith("/hooks/")) {
            context.addHighCardinalityKeyValue(KeyValue.of("http.url", "/hooks/{id}"));
        }
        return context;
    }
}
