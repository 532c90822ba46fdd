package com.smartchat.host.web;

import com.smartchat.host.channels.ChannelRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every refused API request into an RFC 9457 problem detail that says what is wrong, with per-field errors
 * where there are fields. Messages never repeat a submitted value: it could be a secret.
 */
@RestControllerAdvice(basePackages = "com.smartchat.host")
public class ApiErrors extends ResponseEntityExceptionHandler {

    @ExceptionHandler(ChannelRequestException.class)
    ResponseEntity<ProblemDetail> channelRequest(ChannelRequestException e) {
        HttpStatus status = switch (e.reason()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INVALID_SETTINGS -> HttpStatus.UNPROCESSABLE_CONTENT;
            case DIFFERENT_ACCOUNT -> HttpStatus.CONFLICT;
            case PROVIDER_FAILED -> HttpStatus.BAD_GATEWAY;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setTitle(switch (e.reason()) {
            case NOT_FOUND -> "Not found";
            case INVALID_SETTINGS -> "Invalid settings";
            case DIFFERENT_ACCOUNT -> "Different account";
            case PROVIDER_FAILED -> "Provider failed";
            case RATE_LIMITED -> "Too many requests";
        });
        if (!e.fieldErrors().isEmpty()) {
            problem.setProperty("fieldErrors", e.fieldErrors());
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (e.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
        }
        return response.body(problem);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        // An id that is not even well formed names nothing that exists.
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "'" + e.getName() + "' is not a valid id.");
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, readableReason(e));
        problem.setTitle("Malformed request body");
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        Map<String, List<String>> fieldErrors = new LinkedHashMap<>();
        e.getBindingResult().getFieldErrors().forEach(error -> fieldErrors
                .computeIfAbsent(error.getField(), field -> new ArrayList<>()).add(error.getDefaultMessage()));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request has errors.");
        problem.setTitle("Invalid request");
        problem.setProperty("fieldErrors", fieldErrors);
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** What is wrong with a body, without echoing it. */
    private static String readableReason(HttpMessageNotReadableException e) {
        String message = e.getMostSpecificCause().getMessage();
        if (message == null) {
            return "The request body could not be read.";
        }
        if (message.contains("Required request body is missing") || e.getMessage().startsWith("Required request body")) {
            return "The request needs a JSON body.";
        }
        // Jackson's messages name the problem and its location; drop the source and any quoted input.
        int source = message.indexOf(" at [Source");
        String reason = (source > 0 ? message.substring(0, source) : message).replaceAll("\"[^\"]*\"", "\"…\"");
        return "The body is not valid JSON for this request: " + (reason.length() > 300 ? reason.substring(0, 300) : reason);
    }
}
