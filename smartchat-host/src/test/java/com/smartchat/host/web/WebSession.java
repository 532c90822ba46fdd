package com.smartchat.host.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's view of the admin pages over real HTTP, without a browser: a cookie jar, form posts with the page's
 * CSRF token, and redirects left unfollowed so that a test sees them.
 */
public final class WebSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String baseUrl;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private String csrf;

    private WebSession(int port, InetAddress localAddress) {
        this.baseUrl = "http://" + (localAddress == null ? "localhost" : "127.0.0.1") + ":" + port;
        HttpClient.Builder builder = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5));
        this.http = (localAddress == null ? builder : builder.localAddress(localAddress)).build();
    }

    /** Nobody signed in (yet). */
    public static WebSession anonymous(int port) {
        return new WebSession(port, null);
    }

    /** Nobody signed in (yet), connecting from another loopback address such as {@code 127.0.0.2}. */
    public static WebSession anonymousFrom(int port, String loopbackAddress) {
        try {
            return new WebSession(port, InetAddress.getByName(loopbackAddress));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(loopbackAddress, e);
        }
    }

    /** Signs in through the login form. */
    public static WebSession signIn(int port, String user, String password) {
        WebSession session = new WebSession(port, null);
        Page login = session.post("/login", Map.of("username", user, "password", password));
        if (login.status() != 302 || login.location().contains("error")) {
            throw new IllegalStateException("Signing in as " + user + " failed: " + login.status() + " " + login.location());
        }
        session.get("/spaces"); // signing in gives the session a new CSRF token
        return session;
    }

    /**
     * A response.
     *
     * @param location the redirect target, or "" when there is none
     */
    public record Page(int status, String location, String body, HttpHeaders headers) {

        public String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    public Page get(String path) {
        return get(path, "text/html");
    }

    /** A GET that accepts something else than a page, such as {@code text/event-stream}. */
    public Page get(String path, String accept) {
        Page page = send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().header("Accept", accept));
        remember(page);
        return page;
    }

    /** The session's cookies as a {@code Cookie} header's value, for raw-socket requests as this user. */
    public String cookieHeader() {
        return cookies.getCookieStore().getCookies().stream().map(cookie -> cookie.getName() + "=" + cookie.getValue())
                .collect(Collectors.joining("; "));
    }

    /** Posts a form with the CSRF token of this session (fetching the login page first if no page was read yet). */
    public Page post(String path, Map<String, String> form) {
        if (csrf == null) {
            remember(get("/login"));
        }
        Map<String, String> withToken = new LinkedHashMap<>(form);
        withToken.put("_csrf", csrf);
        return postRaw(path, withToken);
    }

    /** Posts a form and, as a browser does, follows its redirect. */
    public Page submit(String path, Map<String, String> form) {
        Page posted = post(path, form);
        return posted.status() == 302 ? get(posted.location().replaceFirst("^https?://[^/]+", "")) : posted;
    }

    /** Posts a form as it is, without adding a CSRF token. */
    public Page postRaw(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
        Page page = send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        remember(page);
        return page;
    }

    /**
     * Posts a multipart form of this session's CSRF token and a file in the part named {@code field}: what no page
     * of the host sends.
     */
    public Page postMultipartFile(String path, String field, String fileName, byte[] content) {
        if (csrf == null) {
            remember(get("/login"));
        }
        String boundary = "----smartchat-test-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        Page page = send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, content, tail))));
        remember(page);
        return page;
    }

    /** The CSRF token of the last page read. */
    public String csrfToken() {
        return csrf;
    }

    private void remember(Page page) {
        Matcher matcher = CSRF.matcher(page.body());
        if (matcher.find()) {
            csrf = matcher.group(1);
        }
    }

    private Page send(HttpRequest.Builder request) {
        try {
            HttpResponse<InputStream> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                // an event stream stays open: its headers tell enough
                body = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")
                        ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Page(response.statusCode(), response.headers().firstValue("Location").orElse(""), body,
                    response.headers());
        } catch (IOException e) {
            throw new IllegalStateException("Request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
