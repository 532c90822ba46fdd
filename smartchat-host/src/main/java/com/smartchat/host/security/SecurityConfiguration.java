package com.smartchat.host.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Who may call what. The API and the actuator take API tokens ({@code Authorization: Bearer}) or HTTP Basic,
 * without sessions (so without cookies, and CSRF cannot apply), and refuse what a browser sends them for another
 * site; health answers everyone, with details and the other endpoints only for platform admins; webhooks are
 * verified by their channel. The admin pages take form login with a session cookie, and so need CSRF tokens on every
 * form; their headers allow no inline script, no framing and no form posts to other sites. Password sign-ins, by
 * form or Basic, are throttled ({@link SignInThrottle}).
 */
@Configuration
public class SecurityConfiguration {

    /** The pages' Content-Security-Policy: only the host's own scripts, styles and images (logos are data: URIs). */
    public static final String PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /**
     * Webhooks: each channel checks its network's secret itself, so this chain only writes the standard headers.
     * Without the filters that have nothing to do here (session, anonymous user, request cache, authorization), a
     * busy host spends less on each of the thousands of deliveries a second that a fleet of bots can send.
     */
    @Bean
    @Order(0)
    SecurityFilterChain webhookSecurity(HttpSecurity http) throws Exception {
        return http
                .securityMatcher("/hooks/**")
                .csrf(csrf -> csrf.disable())
                .securityContext(context -> context.disable())
                .sessionManagement(session -> session.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .servletApi(servletApi -> servletApi.disable())
                .logout(logout -> logout.disable())
                .build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiTokens tokens, AuthenticationManager signIn)
            throws Exception {
        return http
                .securityMatcher("/api/**", "/actuator/**", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        // metrics and info span every Space: a Space admin reads channel states in the Space's API
                        .requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(Role.PLATFORM_ADMIN.name())
                        .requestMatchers("/api/users/**").hasRole(Role.PLATFORM_ADMIN.name())
                        .requestMatchers("/api/cluster", "/api/cluster/**").hasRole(Role.PLATFORM_ADMIN.name())
                        .requestMatchers("/api/set-aside/**", "/api/set-aside").hasRole(Role.PLATFORM_ADMIN.name())
                        .requestMatchers("/api/plugins", "/api/plugins/**").hasRole(Role.PLATFORM_ADMIN.name())
                        .anyRequest().authenticated())
                .authenticationManager(signIn)
                // cross-site refusals first, so that they cost no credential check
                .addFilterBefore(new CrossSiteApiFilter(), BasicAuthenticationFilter.class)
                .addFilterBefore(new ApiTokenFilter(tokens), BasicAuthenticationFilter.class)
                .httpBasic(basic -> basic.authenticationEntryPoint(SignInRefusals.api()))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /**
     * The admin pages: everything the API chain does not match. Form login at {@code /login}, logout by POST to
     * {@code /logout}; the users and plugins pages are for platform admins only, and anyone else is told it does not exist.
     */
    @Bean
    @Order(2)
    SecurityFilterChain pageSecurity(HttpSecurity http, SessionRegistry sessions, AuthenticationManager signIn)
            throws Exception {
        return http
                .authenticationManager(signIn)
                .authorizeHttpRequests(requests -> requests
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/login", SignInRefusals.THROTTLED_PAGE, "/css/**", "/js/**", "/favicon.ico", "/favicon.svg", "/error").permitAll()
                        .requestMatchers("/users", "/users/**").hasRole(Role.PLATFORM_ADMIN.name())
                        .requestMatchers("/settings/plugins", "/settings/plugins/**")
                        .hasRole(Role.PLATFORM_ADMIN.name())
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/spaces")
                        .failureHandler(SignInRefusals.form()).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout")
                        .deleteCookies("JSESSIONID"))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(PAGE_CSP))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
                .exceptionHandling(exceptions -> exceptions.accessDeniedHandler(SecurityConfiguration::denied))
                // known sessions, so that a deleted user or a changed password signs the user out everywhere
                .sessionManagement(session -> session.maximumSessions(-1).sessionRegistry(sessions)
                        .expiredUrl("/login?expired"))
                .build();
    }

    /**
     * The signed-in sessions of the pages, by user, as the session store (the database) knows them: signing a user
     * out everywhere reaches the sessions of every host.
     */
    @Bean
    SessionRegistry sessionRegistry(FindByIndexNameSessionRepository<? extends Session> sessions) {
        return new SpringSessionBackedSessionRegistry<>(sessions);
    }

    /**
     * A form without a valid CSRF token is refused (403, "the form expired"); a page the user's role may not open
     * does not exist for them (404), as another Space's pages do not.
     */
    private static void denied(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        response.sendError(denied instanceof CsrfException ? HttpServletResponse.SC_FORBIDDEN
                : HttpServletResponse.SC_NOT_FOUND);
    }

    /**
     * Password sign-in for the form and HTTP Basic, throttled: a locked-out user name or address is refused before
     * bcrypt runs. (API tokens are checked by their own filter, without a password hash.)
     */
    @Bean
    AuthenticationManager authenticationManager(UserAccounts accounts, PasswordEncoder passwords,
                                                SignInThrottle throttle) {
        DaoAuthenticationProvider checkPassword = new DaoAuthenticationProvider(accounts);
        checkPassword.setPasswordEncoder(passwords);
        return new ProviderManager(new ThrottledSignIn(checkPassword, throttle));
    }

    /** Hashes with bcrypt, and reads any hash format Spring Security knows by its prefix. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
