package com.smartchat.channel.spi;

/**
 * A {@code major.minor} SPI version. A host runs plugins built against the same major version and a minor version
 * no newer than its own: the SPI only grows, through default methods, within a major version.
 *
 * @param major incremented for incompatible changes
 * @param minor incremented when the SPI grows
 */
public record SpiVersion(int major, int minor) {

    /** The version of the SPI on this class path. */
    public static final SpiVersion CURRENT = parse(ChannelProvider.SPI_VERSION);

    public SpiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("SPI version numbers cannot be negative: " + major + "." + minor);
        }
    }

    /**
     * Reads {@code major.minor}.
     *
     * @throws IllegalArgumentException when the text has another shape
     */
    public static SpiVersion parse(String text) {
        if (text != null && text.matches("\\d{1,4}\\.\\d{1,4}")) {
            int dot = text.indexOf('.');
            return new SpiVersion(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
        }
        throw new IllegalArgumentException("An SPI version looks like 1.0, not '" + text + "'");
    }

    /** Whether a host on this version can run a plugin built against {@code plugin}. */
    public boolean canRun(SpiVersion plugin) {
        return plugin.major == major && plugin.minor <= minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
