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
 *   <li><b>Declare the operator's settings.</b> What the operator sets once for every channel of your provider (a
 *       server address, a poll's length) comes from the host properties {@code smartchat.plugins.<id>.*}. Declare
 *       each in {@link com.smartchat.channel.spi.ChannelProvider#providerSettings()} as a
 *       {@link com.smartchat.channel.spi.ProviderSetting} with its type, default, limits and help: the host refuses
 *       your plugin, naming the property, when the operator set one you do not declare or a value its declaration
 *       does not accept, fills in defaults, and shows platform admins the settings (secrets as set or not). Read
 *       them with {@link com.smartchat.channel.spi.ChannelSettings#providerSetting(String)}.</li>
 *   <li><b>Validate meaning.</b> The host checks required fields, lengths, limits and patterns itself, and in the
 *       same round calls {@code validate} with the values that passed (see
 *       {@link com.smartchat.channel.spi.ChannelProvider#validate(com.smartchat.channel.spi.ChannelSettings)}): ask
 *       the network whether the credential works and return every problem at once, each on its field, with a
 *       message that says what to do, plus an {@link com.smartchat.channel.spi.IdentityPreview} of the account
 *       found.</li>
 *   <li><b>Open channels.</b> {@code open(context)} returns a {@link com.smartchat.channel.spi.Channel}; the host
 *       then calls {@code start()}. A network you poll: receive on
 *       {@link com.smartchat.channel.spi.ChannelContext#executor()}, hand each event to
 *       {@link com.smartchat.channel.spi.ChannelContext#inbound()}, and confirm it to the network only after
 *       {@code deliver} returned; {@link com.smartchat.channel.spi.Redelivery} delivers again with growing pauses
 *       while the host cannot store, and shows the channel degraded meanwhile. A network that pushes to you: see
 *       <a href="#push">Receiving by webhook</a>.
 *       Report problems found while running with
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
 * <h2 id="push">Receiving by webhook</h2>
 * A network that pushes events (an HTTP request to an address you registered) reaches your channel through the host:
 * <ol>
 *   <li><b>Say so.</b> Return {@code true} from
 *       {@link com.smartchat.channel.spi.ChannelProvider#receivesWebhooks()}: the host then shows each channel's
 *       address to its admins (the channel's page and {@code GET /api/spaces/{space}/channels/{channel}}), for
 *       networks where they paste it into the network's console, and the conformance kit checks your webhook
 *       handling.</li>
 *   <li><b>Find the address.</b> {@link com.smartchat.channel.spi.ChannelContext#webhookUrl()} is
 *       {@code <smartchat.public-url>/hooks/<opaque id>}, or empty when the operator gave the host no public
 *       address. In {@code start()}, register it with the network when the network has an API for that. When it is
 *       empty, a channel that can also poll polls; a channel that cannot throws
 *       {@code new ChannelException(FailureKind.INVALID_REQUEST, "The host has no public address, so <network>
 *       cannot reach this channel.", "Ask the operator to set smartchat.public-url to the host's public HTTPS
 *       address.", null, null)}: the admin sees why and what to do, and the host does not retry in a loop. The
 *       address may be {@code http://}: refuse it the same way when your network requires HTTPS.</li>
 *   <li><b>Verify, then store, then answer.</b> The host hands every request to
 *       {@link com.smartchat.channel.spi.Channel#handleWebhook}, unauthenticated: anyone can call the address. First
 *       check that the request comes from the network, in constant time ({@link java.security.MessageDigest#isEqual}):
 *       a secret header, or a signature of the body keyed by a credential. Refuse anything else with 401 or 403,
 *       storing nothing and logging no header value. Then map its events, hand them to
 *       {@link com.smartchat.channel.spi.ChannelContext#inbound()} (several in one
 *       {@link com.smartchat.channel.spi.InboundSink#deliver(java.util.List) deliver}), and answer
 *       {@link com.smartchat.channel.spi.WebhookResponse#ok()} only once {@code deliver} returned: the answer is the
 *       confirmation, and the network forgets what was answered 200.</li>
 *   <li><b>When the sink fails, let the network resend.</b> If {@code deliver} throws
 *       {@link com.smartchat.channel.spi.DeliveryException}, answer at once with a status the network resends on
 *       (503 for most; add {@code Retry-After} with
 *       {@link com.smartchat.channel.spi.WebhookResponse#withHeader} when it honours one) and keep nothing: the
 *       network's resending is your retry. A resent event carries the network's same id, which the host drops when
 *       it already stored it, so never make up an id. After a few failed attempts of one event,
 *       {@link com.smartchat.channel.spi.InboundSink#setAside set it aside} and answer 200, so that it does not
 *       block the network's queue.</li>
 *   <li><b>Handshakes.</b> Some networks check an address with a {@code GET} before they use it (Meta's
 *       {@code hub.challenge}): the host passes it with its query
 *       ({@link com.smartchat.channel.spi.WebhookRequest#method()},
 *       {@link com.smartchat.channel.spi.WebhookRequest#parameter(String)}); answer the challenge only when the other
 *       parameters prove the network sent it.</li>
 *   <li><b>Several hosts.</b> A request may reach a host that does not run the channel. If your channel can verify
 *       and store without having started, return {@code true} from
 *       {@link com.smartchat.channel.spi.Channel#receivesWebhooksUnstarted()}; otherwise that host answers 503 and
 *       the network sends the request again.</li>
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
 * it grows only through default methods, new builder methods, new factories and constructors, and new types, so a
 * plugin built against 1.0 runs on every 1.x host; this is version 1.4. Additions are marked {@code @since} with the
 * version that brought them.
 */
package com.smartchat.channel.spi;
