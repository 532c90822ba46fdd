package com.smartchat.host.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request's body must arrive within a deadline ({@code smartchat.http.body-deadline}), counted from the end of its
 * headers. The server's read timeout ({@code server.tomcat.connection-timeout}) starts again with every byte, so a
 * client that sends one byte just before each timeout would hold a connection and a request for as long as it likes;
 * past the deadline, every further read of the body fails, the response closes the connection ({@code 408} where
 * nothing was answered yet), and the client is cut off at most one read timeout after the deadline.
 *
 * <p>Form posts are read here too: the servlet container parses a form's parameters from the body with its own
 * reads, which no wrapper of the input stream sees, so this filter reads the form through the deadline first and
 * answers the parameters itself (the container then parses only the query string). Multipart posts (a reply with a
 * file) the same way: read here, at most {@code smartchat.media.max-upload-size} and a form's worth more, and parsed
 * by {@link MultipartBody}; the container's multipart parsing stays off.
 *
 * <p>A body the application never reads (a 404 to a webhook with an unknown id, a refused sign-in) is read here
 * once the application answered, through the same deadline, and never by the server itself: {@code server.tomcat.max-swallow-size=0}
 * makes it close a connection with anything left unread.
 */
@Component
public class BodyDeadlineFilter extends OncePerRequestFilter implements Ordered {

    /** The most of an unread body drained before answering, as much as a form may hold by default. */
    private static final long MAX_DRAINED = DataSize.ofMegabytes(2).toBytes();

    private final Duration deadline;
    private final long maxFormBytes;
    private final int maxParameters;
    private final long maxUploadBytes;

    public BodyDeadlineFilter(@Value("${smartchat.http.body-deadline:30s}") Duration deadline,
                              @Value("${server.tomcat.max-http-form-post-size:2MB}") DataSize maxFormSize,
                              @Value("${server.tomcat.max-parameter-count:1000}") int maxParameters,
                              @Value("${smartchat.media.max-upload-size:10MB}") DataSize maxUploadSize) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("smartchat.http.body-deadline must be positive, not " + deadline);
        }
        this.deadline = deadline;
        this.maxFormBytes = maxFormSize.toBytes();
        this.maxParameters = maxParameters;
        this.maxUploadBytes = maxUploadSize.toBytes();
    }

    /** First, so that whatever reads a body (CSRF's form token, a JSON body, a webhook) reads it through this. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() == 0 || (request.getContentLengthLong() < 0
                && request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null)) {
            chain.doFilter(request, response); // no body
            return;
        }
        DeadlineRequest bounded = new DeadlineRequest(request, response, System.nanoTime() + deadline.toNanos());
        try {
            chain.doFilter(bounded, response);
            drainUnread(bounded);
        } catch (IOException | ServletException | RuntimeException e) {
            RejectedBody rejected = rejectedBody(e);
            if (rejected == null) {
                throw e;
            }
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.setHeader(HttpHeaders.CONNECTION, "close");
                response.sendError(rejected.status, rejected.getMessage());
            }
        }
    }

    /**
     * Reads what the application left of a body (a refused or unknown request's), through the deadline. The server
     * closes a connection that still holds unread bytes ({@code max-swallow-size=0}), and a close with unread bytes
     * resets the connection, which can lose the answer on its way to a well-behaved client; draining first keeps
     * the answer, while a dripping client is still cut off at the deadline and a huge body still closes.
     */
    private static void drainUnread(DeadlineRequest request) {
        try {
            ServletInputStream body = request.getInputStream();
            if (body.isFinished()) {
                return; // the usual case: read whole
            }
            byte[] buffer = new byte[8192];
            long drained = 0;
            while (drained < MAX_DRAINED && !body.isFinished()) {
                int read = body.read(buffer, 0, buffer.length);
                if (read < 0) {
                    return;
                }
                drained += read;
            }
        } catch (IOException | IllegalStateException e) {
            // past the deadline, gone, or read another way: the server closes the connection
        }
    }

    private static RejectedBody rejectedBody(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RejectedBody rejected) {
                return rejected;
            }
        }
        return null;
    }

    /** A body refused while the parameters were read: its status and why. */
    private static final class RejectedBody extends RuntimeException {

        final int status;

        RejectedBody(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    /** The body took longer than the deadline. */
    private static final class BodyDeadlinePassed extends IOException {

        BodyDeadlinePassed() {
            super("The request body did not arrive in time");
        }
    }

    private final class DeadlineRequest extends HttpServletRequestWrapper {

        private final HttpServletResponse response;
        private final long deadlineNanos;
        private ServletInputStream stream;
        private Map<String, String[]> formParameters;
        private MultipartBody multipart;

        DeadlineRequest(HttpServletRequest request, HttpServletResponse response, long deadlineNanos) {
            super(request);
            this.response = response;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new DeadlineStream(super.getInputStream());
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters().get(name);
            return values == null ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters().keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            String[] values = parameters().get(name);
            return values == null ? null : values.clone();
        }

        @Override
        public Collection<Part> getParts() throws IOException, ServletException {
            return multipart() == null ? super.getParts() : multipart.parts;
        }

        @Override
        public Part getPart(String name) throws IOException, ServletException {
            if (multipart() == null) {
                return super.getPart(name);
            }
            return multipart.parts.stream().filter(part -> part.getName().equals(name)).findFirst().orElse(null);
        }

        /**
         * A multipart body (a reply with a file), read through the deadline, at most the largest file and a form's
         * worth of fields; {@code null} for any other body.
         */
        private MultipartBody multipart() {
            String boundary = multipartBoundary();
            if (boundary == null) {
                return null;
            }
            if (multipart == null) {
                long max = maxUploadBytes + maxFormBytes;
                byte[] body = readBody(max, "A file can be at most " + DataSize.ofBytes(maxUploadBytes).toMegabytes()
                        + " MB (smartchat.media.max-upload-size).");
                try {
                    multipart = new MultipartBody(body, boundary);
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    throw new RejectedBody(HttpServletResponse.SC_BAD_REQUEST, "The form is not validly encoded.");
                }
            }
            return multipart;
        }

        private String multipartBoundary() {
            if (!"POST".equals(getMethod()) || getContentType() == null) {
                return null;
            }
            try {
                MediaType type = MediaType.parseMediaType(getContentType());
                String boundary = type.getParameter("boundary");
                return MediaType.MULTIPART_FORM_DATA.includes(type) && boundary != null && !boundary.isEmpty()
                        ? (boundary.startsWith("\"") && boundary.endsWith("\"") && boundary.length() > 1
                        ? boundary.substring(1, boundary.length() - 1) : boundary) : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private Map<String, String[]> parameters() {
            boolean form = isFormPost();
            if (!form && multipart() == null) {
                return super.getParameterMap();
            }
            if (formParameters == null) {
                // Read the body first, through getInputStream: the container then parses only the query string.
                byte[] body = form ? readBody(maxFormBytes, "A form has at most " + maxFormBytes + " bytes.") : null;
                Map<String, List<String>> merged = new LinkedHashMap<>();
                super.getParameterMap().forEach((name, values) -> merged.put(name, new ArrayList<>(List.of(values))));
                if (form) {
                    String encoding = getCharacterEncoding();
                    parseForm(body, encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding), merged);
                } else {
                    multipart.fields.forEach((name, values) ->
                            merged.computeIfAbsent(name, key -> new ArrayList<>()).addAll(values));
                }
                Map<String, String[]> parameters = new LinkedHashMap<>();
                merged.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
                formParameters = Collections.unmodifiableMap(parameters);
            }
            return formParameters;
        }

        private boolean isFormPost() {
            if (!"POST".equals(getMethod()) || getContentType() == null) {
                return false;
            }
            try {
                return MediaType.APPLICATION_FORM_URLENCODED.includes(MediaType.parseMediaType(getContentType()));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        private byte[] readBody(long max, String tooLarge) {
            if (getContentLengthLong() > max) {
                throw new RejectedBody(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, tooLarge);
            }
            try {
                byte[] body = getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
                if (body.length > max) {
                    throw new RejectedBody(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, tooLarge);
                }
                return body;
            } catch (BodyDeadlinePassed e) {
                throw new RejectedBody(HttpServletResponse.SC_REQUEST_TIMEOUT, e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void parseForm(byte[] body, Charset charset, Map<String, List<String>> into) {
            String text = new String(body, StandardCharsets.ISO_8859_1); // percent-encoded: ASCII
            int count = into.values().stream().mapToInt(List::size).sum();
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                if (maxParameters >= 0 && ++count > maxParameters) {
                    throw new RejectedBody(HttpServletResponse.SC_BAD_REQUEST,
                            "A request has at most " + maxParameters + " parameters.");
                }
                int equals = pair.indexOf('=');
                try {
                    String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), charset);
                    String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), charset);
                    into.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
                } catch (IllegalArgumentException e) {
                    throw new RejectedBody(HttpServletResponse.SC_BAD_REQUEST, "The form is not validly encoded.");
                }
            }
        }

        /** Reads the container's stream until the deadline; after it, the connection is to close. */
        private final class DeadlineStream extends ServletInputStream {

            private final ServletInputStream body;

            DeadlineStream(ServletInputStream body) {
                this.body = body;
            }

            @Override
            public int read() throws IOException {
                checkDeadline();
                return body.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                checkDeadline();
                return body.read(buffer, offset, length);
            }

            private void checkDeadline() throws BodyDeadlinePassed {
                if (System.nanoTime() - deadlineNanos > 0 && !body.isFinished()) {
                    if (!response.isCommitted()) {
                        response.setHeader(HttpHeaders.CONNECTION, "close");
                    }
                    throw new BodyDeadlinePassed();
                }
            }

            @Override
            public boolean isFinished() {
                return body.isFinished();
            }

            @Override
            public boolean isReady() {
                return body.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                body.setReadListener(listener);
            }

            @Override
            public int available() throws IOException {
                return body.available();
            }
        }
    }
}
