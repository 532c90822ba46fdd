package com.smartchat.telegram.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * The HTTP side of the emulator: the JDK's HTTP server on loopback, one virtual thread per request (so a
 * waiting long poll costs next to nothing), the URL shapes of the Bot API and its JSON answers.
 *
 * <p>Paths: {@code /bot<token>/<method>}, {@code /bot<token>/test/<method>} (the test environment, which
 * behaves the same) and {@code /file/bot<token>/<file_path>}. Method names are case-insensitive. Each request
 * is counted, then delayed, failed or dropped if {@link Faults} say so, then authenticated and dispatched.
 */
final class BotApiServer implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(BotApiServer.class.getName());

    static {
        // The JDK's server closes a connection that goes idle while 200 others are idle, just after answering on it;
        // a client reusing it at that moment loses its next request unanswered (a send would become uncertain).
        // Telegram keeps its connections, so the emulator does too. Read once, when the JDK's server first loads.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Bots bots;
    private final BotApiMethods methods;
    private final Faults faults;
    private final RequestStats stats;
    private final FileStore files;

    BotApiServer(int port, Bots bots, BotApiMethods methods, Faults faults, RequestStats stats, FileStore files)
            throws IOException {
        this.bots = bots;
        this.methods = methods;
        this.faults = faults;
        this.stats = stats;
        this.files = files;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        // A deep accept backlog, because benchmarks connect thousands of pollers at once.
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        server.setExecutor(executor);
        server.createContext("/", this);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Stops at once: open connections are closed and waiting requests interrupted. */
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/file/bot")) {
                serveFile(exchange, path.substring("/file/bot".length()));
            } else {
                handleMethod(exchange, path);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client connection failed", e);
        }
    }

    private void handleMethod(HttpExchange exchange, String path) throws IOException {
        String[] tokenAndMethod = tokenAndMethod(path);
        if (tokenAndMethod == null) {
            respondError(exchange, BotApiException.notFound());
            return;
        }
        String method = tokenAndMethod[1].toLowerCase(Locale.ROOT);
        stats.countRequest(method);
        try {
            Duration latency = faults.latencyFor(method);
            if (!latency.isZero()) {
                Thread.sleep(latency);
            }
            Faults.Injected fault = faults.takeFault(method);
            if (fault != null && fault.drop()) {
                return; // closing the exchange unanswered closes the connection
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (fault != null && !fault.answerLost()) {
                respondInjected(exchange, fault.status());
                return;
            }
            RequestParams params = RequestParams.parse(exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body);
            EmulatedBot bot = bots.authenticate(tokenAndMethod[0]);
            BotApiMethods.Result result = methods.call(bot, method, params);
            if (fault != null) {
                return; // carried out; closing the exchange unanswered closes the connection
            }
            respondOk(exchange, result);
        } catch (BotApiException e) {
            respondError(exchange, e);
        } catch (InterruptedException e) {
            // The emulator is closing; the connection goes with it.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "emulator failure in " + method, e);
            respondError(exchange, BotApiException.withStatus(500, "Internal Server Error"));
        }
    }

    /** Splits {@code /bot<token>/[test/]<method>}; null when the path has another shape. */
    private static String[] tokenAndMethod(String path) {
        if (!path.startsWith("/bot")) {
            return null;
        }
        String rest = path.substring("/bot".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String method = rest.substring(slash + 1);
        if (method.startsWith("test/")) {
            method = method.substring("test/".length());
        }
        if (method.isEmpty() || method.contains("/")) {
            return null;
        }
        return new String[] {rest.substring(0, slash), method};
    }

    private void serveFile(HttpExchange exchange, String tokenAndPath) throws IOException {
        int slash = tokenAndPath.indexOf('/');
        if (slash < 0) {
            respondError(exchange, BotApiException.notFound());
            return;
        }
        try {
            bots.authenticate(tokenAndPath.substring(0, slash));
        } catch (BotApiException e) {
            respondError(exchange, e);
            return;
        }
        FileStore.StoredFile file = files.byPath(tokenAndPath.substring(slash + 1));
        if (file == null) {
            respondError(exchange, BotApiException.notFound());
            return;
        }
        respond(exchange, 200, "application/octet-stream", FileStore.bytesOf(file));
    }

    private void respondOk(HttpExchange exchange, BotApiMethods.Result result) throws IOException {
        StringBuilder json = new StringBuilder("{\"ok\":true,\"result\":").append(result.json());
        if (result.description() != null) {
            json.append(",\"description\":").append(Json.MAPPER.writeValueAsString(result.description()));
        }
        respond(exchange, 200, "application/json", json.append('}').toString().getBytes(StandardCharsets.UTF_8));
    }

    private void respondError(HttpExchange exchange, BotApiException error) throws IOException {
        var json = Json.object().put("ok", false).put("error_code", error.errorCode())
                .put("description", error.description());
        if (error.parameters() != null) {
            json.set("parameters", error.parameters());
        }
        if (error.errorCode() == 429) {
            stats.countTooManyRequests();
            exchange.getResponseHeaders().set("Retry-After", error.parameters().get("retry_after").asString());
        }
        respond(exchange, error.errorCode(), "application/json", Json.write(json).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An injected failure. Telegram's nginx front answers 502, 503 and 504 with an HTML page, not JSON, and
     * clients must cope with that; other statuses get Telegram's JSON shape.
     */
    private void respondInjected(HttpExchange exchange, int status) throws IOException {
        if (status == 502 || status == 503 || status == 504) {
            String title = status + " " + reasonPhrase(status);
            String page = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                    + "</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";
            respond(exchange, status, "text/html", page.getBytes(StandardCharsets.UTF_8));
        } else if (status == 429) {
            respondError(exchange, BotApiException.tooManyRequests(1));
        } else {
            respondError(exchange, BotApiException.withStatus(status, reasonPhrase(status)));
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The standard reason phrase of an HTTP status, as Telegram and webhook error messages use it. */
    static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 420 -> "Flood";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error " + status;
        };
    }
}
