package com.smartchat.host.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs axe-core (the webjar's {@code axe.min.js}, injected into the page: no other Selenium library, nothing
 * downloaded) on the page a {@link Browser} shows. Serious and critical violations fail the test with a readable
 * list; moderate and minor ones are printed, for a human to weigh.
 */
public final class Accessibility {

    private static final String AXE = axeScript();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Accessibility() {
    }

    /** One rule broken on the page. */
    public record Violation(String rule, String impact, String help, String helpUrl, List<String> targets) {

        boolean blocking() {
            return "serious".equals(impact) || "critical".equals(impact);
        }

        @Override
        public String toString() {
            return impact + " " + rule + ": " + help + " (" + helpUrl + ")\n      at " + String.join("\n      at ", targets);
        }
    }

    /**
     * Checks the current page.
     *
     * @param page the page's name in the failure message
     * @throws AssertionError listing the serious and critical violations, when there are any
     */
    public static void check(Browser browser, String page) {
        List<Violation> violations = run(browser);
        List<Violation> blocking = violations.stream().filter(Violation::blocking).toList();
        violations.stream().filter(violation -> !violation.blocking())
                .forEach(violation -> System.out.println("axe, " + page + " " + browser.path() + ": " + violation));
        if (!blocking.isEmpty()) {
            throw new AssertionError("axe-core finds " + blocking.size() + " serious or critical violation(s) on "
                    + page + " (" + browser.path() + "):\n  " + String.join("\n  ",
                    blocking.stream().map(Violation::toString).toList()));
        }
    }

    /** Every violation axe finds on the current page, of any impact. */
    public static List<Violation> run(Browser browser) {
        Object result = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                if (!window.axe) { eval(arguments[0]); }
                axe.run(document, {resultTypes: ['violations']})
                    .then(results => done(JSON.stringify(results.violations)))
                    .catch(error => done('error: ' + error));
                """, AXE);
        String json = String.valueOf(result);
        if (json.startsWith("error: ")) {
            throw new IllegalStateException("axe-core failed on " + browser.path() + ": " + json);
        }
        List<Violation> violations = new ArrayList<>();
        for (JsonNode violation : JSON.readTree(json)) {
            List<String> targets = new ArrayList<>();
            for (JsonNode node : violation.get("nodes")) {
                targets.add(node.get("target").toString() + " " + node.path("failureSummary").asString("")
                        .replace('\n', ' '));
            }
            violations.add(new Violation(violation.get("id").asString(), violation.path("impact").asString("minor"),
                    violation.get("help").asString(), violation.get("helpUrl").asString(), targets));
        }
        return violations;
    }

    private static String axeScript() {
        ClassLoader loader = Accessibility.class.getClassLoader();
        Properties pom = new Properties();
        try (InputStream properties = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            if (properties == null) {
                throw new IllegalStateException("axe-core's webjar (org.webjars.npm:axe-core) is not on the test class path");
            }
            pom.load(properties);
            try (InputStream script = loader.getResourceAsStream("META-INF/resources/webjars/axe-core/"
                    + pom.getProperty("version") + "/axe.min.js")) {
                return new String(script.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
