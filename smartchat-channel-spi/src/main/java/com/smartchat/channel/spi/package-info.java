/**
 * The SmartChat channel SPI: what a plugin implements to connect SmartChat to a messaging network.
 *
 * <h2>Writing a provider, step by step</h2>
 * <ol>
 *   <li><b>Depend on this SPI with scope {@code provided}.</b> The host supplies it at run time and shares it with
 *       every plugin; so do not bundle it. Bundle everything else your plugin needs into one jar: each plugin jar
 *       gets a class loader of its own, which sees only the JDK, this package, SLF4J and your jar. Two plugins may
 *       therefore carry different versions of the same library.</li>
 *   <li><b>Implement {@link com.smartchat.channel.spi.ChannelProvider}.</b> Give it a stable {@code id()}, a display
 *       name, a description, an SVG logo, {@code spiVersion()} returning
 *       {@link com.smartchat.channel.spi.ChannelProvider#SPI_VERSION}, and a
 *       {@link com.smartchat.channel.spi.FormSchema} with your own fields only: Channel Name and Greeting Message
 *       are {@link com.smartchat.channel.spi.FormSchema#STANDARD_FIELDS standard}. Mark credentials with
 *       {@link com.smartchat.channel.spi.FormField#secret(String)}: the host encrypts them and never shows them,
 *       and you receive them as {@link com.smartchat.channel.spi.Secret}. Mark every field that decides where
 *       those secrets go (a server address) with
 *       {@link com.smartchat.channel.spi.FormField.Builder#secretDestination()}: the host then refuses to change it
 *       unless the secrets are entered again. Give each field its rules (required, lengths, a number's minimum and
 *       maximum, a pattern in the dialect {@link com.smartchat.channel.spi.FormField.Builder#pattern(String, String)}
 *       describes) and its default: the host enforces them, fills in defaults, and the form carries them.</li>
 *   <li><b>Validate meaning.</b> The host checks required fields, lengths, limits and patterns itself, and in the
 *       same round calls {@code validate} with the values that passed (see
 *       {@link com.smartchat.channel.spi.ChannelProvider#validate(com.smartchat.channel.spi.ChannelSettings)}): ask
 *       the network whether the credential works and return every problem at once, each on its field, with a
 *       message that says what to do, plus an {@link com.smartchat.channel.spi.IdentityPreview} of the account
 *       found.</li>
 *   <li><b>Open channels.</b> {@code open(context)} returns a {@link com.smartchat.channel.spi.Channel}; the host
 *       then calls {@code start()}. Receive on {@link com.smartchat.channel.spi.ChannelContext#executor()}, hand
 *       each event to {@link com.smartchat.channel.spi.ChannelContext#inbound()}, and confirm it to the network
 *       only after {@code deliver} returned. Report problems found while running with
 *       {@link com.smartchat.channel.spi.ChannelContext#report(ChannelStatus)}.</li>
 *   <li><b>Send.</b> {@code send} makes one attempt and completes with a
 *       {@link com.smartchat.channel.spi.SendReceipt} or a {@link com.smartchat.channel.spi.ChannelException} whose
 *       {@link com.smartchat.channel.spi.FailureKind} tells the host whether and when to retry. Declare the
 *       network's limits in {@link com.smartchat.channel.spi.ChannelProvider#rateLimits()}: the host paces sends.</li>
 *   <li><b>Stop cleanly.</b> {@code stop()} is idempotent, bounded, and releases every thread and connection.</li>
 *   <li><b>Register the provider</b> in {@code META-INF/services/com.smartchat.channel.spi.ChannelProvider} and drop
 *       the jar into the host's plugins directory.</li>
 *   <li><b>Prove it</b> with the conformance kit ({@code smartchat-channel-tck}): extend its
 *       {@code ChannelProviderConformanceTest}, name your provider and valid settings, and run your tests.</li>
 * </ol>
 *
 * <h2>Rules that keep the platform safe</h2>
 * <ul>
 *   <li>Never put a secret, or a URL that contains one, in a log line, an exception, a validation message, a metric
 *       or a status.</li>
 *   <li>Never confirm an inbound event before {@code deliver} returned: that is how messages get lost.</li>
 *   <li>Never let one input stall a channel: map every kind the network may send (an
 *       {@link com.smartchat.channel.spi.InboundEvent.Unrecognized} where nothing fits, without a conversation when
 *       the network names none), read each item of a batch on its own, never make up an event id, and hand what
 *       cannot be delivered (no usable id, or refused by {@code deliver} after a few attempts) to
 *       {@link com.smartchat.channel.spi.InboundSink#setAside}, then confirm it and move on.</li>
 *   <li>Send a secret only to the destination its form names, and never repeat in a validation message what a
 *       remote server answered (its status line, its body, an exception's text): the admin may have typed the
 *       address of a machine inside the platform's network. Say in your network's terms what failed instead.</li>
 *   <li>Do not follow redirects with a secret: a redirect is a destination nobody entered.</li>
 *   <li>Never block in a provider method beyond a few seconds; the host abandons such calls.</li>
 *   <li>When you change your fields, raise {@link com.smartchat.channel.spi.FormSchema#version()} and migrate old
 *       settings in {@link com.smartchat.channel.spi.ChannelProvider#migrateSettings(int, java.util.Map)}.</li>
 * </ul>
 *
 * <h2>Evolution</h2>
 * This SPI is versioned {@code major.minor} ({@link com.smartchat.channel.spi.SpiVersion}). Within a major version
 * it grows only through default methods, new builder methods and new types, so a plugin built against 1.0 runs on
 * every 1.x host. Additions are marked {@code @since} with the version that brought them.
 */
package com.smartchat.channel.spi;
