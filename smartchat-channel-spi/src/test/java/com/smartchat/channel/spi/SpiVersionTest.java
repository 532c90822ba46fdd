package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpiVersionTest {

    @Test
    void runsSameMajorUpToItsOwnMinor() {
        SpiVersion host = SpiVersion.parse("1.2");

        assertThat(host.canRun(SpiVersion.parse("1.0"))).isTrue();
        assertThat(host.canRun(SpiVersion.parse("1.2"))).isTrue();
        assertThat(host.canRun(SpiVersion.parse("1.3"))).isFalse();
        assertThat(host.canRun(SpiVersion.parse("2.0"))).isFalse();
        assertThat(host.canRun(SpiVersion.parse("0.9"))).isFalse();
    }

    @Test
    void thisHostRunsPluginsBuiltAgainstEveryEarlier1x() {
        assertThat(SpiVersion.CURRENT).hasToString("1.4");
        assertThat(SpiVersion.CURRENT.canRun(SpiVersion.parse("1.0"))).isTrue();
        assertThat(SpiVersion.CURRENT.canRun(SpiVersion.parse("1.1"))).isTrue();
        assertThat(SpiVersion.CURRENT.canRun(SpiVersion.parse("1.2"))).isTrue();
        assertThat(SpiVersion.CURRENT.canRun(SpiVersion.parse("1.3"))).isTrue();
    }

    @Test
    void currentIsTheConstant() {
        assertThat(SpiVersion.CURRENT).hasToString(ChannelProvider.SPI_VERSION);
    }

    @Test
    void refusesOtherShapes() {
        assertThatThrownBy(() -> SpiVersion.parse("1")).hasMessage("An SPI version looks like 1.0, not '1'");
        assertThatThrownBy(() -> SpiVersion.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
