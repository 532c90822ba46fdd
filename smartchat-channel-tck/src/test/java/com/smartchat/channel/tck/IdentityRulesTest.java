package com.smartchat.channel.tck;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit fails a provider whose identity breaks a rule, in the rule's own test, saying what to fix. */
class IdentityRulesTest {

    @Test
    void anIdWithCapitalsOrSpacesFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String id() {
                return "Fake Channel";
            }
        });

        assertThat(run.failures()).containsOnlyKeys("idIsLowerCaseLettersDigitsAndDashes");
        assertThat(run.message("idIsLowerCaseLettersDigitsAndDashes"))
                .contains("lower case letters, digits and dashes", "\"Fake Channel\"", "never change it");
    }

    @Test
    void aMissingIdFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String id() {
                return null;
            }
        });

        assertThat(run.failures()).containsOnlyKeys("idIsLowerCaseLettersDigitsAndDashes");
        assertThat(run.message("idIsLowerCaseLettersDigitsAndDashes")).contains("but was null");
    }

    @Test
    void aBlankDisplayNameFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String displayName() {
                return " ";
            }
        });

        assertThat(run.failures()).containsOnlyKeys("displayNameAndDescriptionArePresent");
        assertThat(run.message("displayNameAndDescriptionArePresent"))
                .contains("displayName() is \" \"", "Channel Connection menu");
    }

    @Test
    void aMissingDescriptionFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String description() {
                return null;
            }
        });

        assertThat(run.failures()).containsOnlyKeys("displayNameAndDescriptionArePresent");
        assertThat(run.message("displayNameAndDescriptionArePresent")).contains("description() is null");
    }

    @Test
    void anSpiVersionOfAnotherShapeFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String spiVersion() {
                return "v1";
            }
        });

        assertThat(run.failures()).containsOnlyKeys("spiVersionIsOneThisSpiCanRun");
        assertThat(run.message("spiVersionIsOneThisSpiCanRun"))
                .contains("major.minor", "\"v1\"", "ChannelProvider.SPI_VERSION");
    }

    @Test
    void anSpiVersionOfAnotherMajorFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String spiVersion() {
                return "2.0";
            }
        });

        assertThat(run.failures()).containsOnlyKeys("spiVersionIsOneThisSpiCanRun");
        assertThat(run.message("spiVersionIsOneThisSpiCanRun")).contains("spiVersion() is 2.0 but this SPI is "
                + com.smartchat.channel.spi.ChannelProvider.SPI_VERSION);
    }

    @Test
    void aNewerMinorSpiVersionFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String spiVersion() {
                return "1.9";
            }
        });

        assertThat(run.failures()).containsOnlyKeys("spiVersionIsOneThisSpiCanRun");
        assertThat(run.message("spiVersionIsOneThisSpiCanRun")).contains("1.0 to "
                + com.smartchat.channel.spi.ChannelProvider.SPI_VERSION + " only");
    }

    @Test
    void noLogoPasses() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public String logoSvg() {
                return null;
            }
        });

        assertThat(run.failures()).isEmpty();
    }

    @Test
    void aLogoThatIsNotSvgFails() {
        KitRun run = KitRun.of(logo("<img src=\"logo.png\"/>"));

        assertThat(run.failures()).containsOnlyKeys("logoIsASelfContainedSvg");
        assertThat(run.message("logoIsASelfContainedSvg")).contains("root element is <img>, not <svg>");
    }

    @Test
    void aLogoThatIsNotXmlFails() {
        KitRun run = KitRun.of(logo("<svg><circle></svg>"));

        assertThat(run.failures()).containsOnlyKeys("logoIsASelfContainedSvg");
        assertThat(run.message("logoIsASelfContainedSvg")).contains("not a well-formed SVG document");
    }

    @Test
    void aLogoWithAScriptFails() {
        KitRun run = KitRun.of(logo("""
                <svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"""));

        assertThat(run.failures()).containsOnlyKeys("logoIsASelfContainedSvg");
        assertThat(run.message("logoIsASelfContainedSvg")).contains("contains a <script> element", "must not run code");
    }

    @Test
    void aLogoWithAnEventHandlerFails() {
        KitRun run = KitRun.of(logo("""
                <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"""));

        assertThat(run.failures()).containsOnlyKeys("logoIsASelfContainedSvg");
        assertThat(run.message("logoIsASelfContainedSvg")).contains("event handler, onload on <svg>");
    }

    @Test
    void aLogoThatLoadsAnImageFromElsewhereFails() {
        KitRun run = KitRun.of(logo("""
                <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\
                <image xlink:href="https://cdn.example.com/logo.png"/></svg>"""));

        assertThat(run.failures()).containsOnlyKeys("logoIsASelfContainedSvg");
        assertThat(run.message("logoIsASelfContainedSvg"))
                .contains("refers to https://cdn.example.com/logo.png in xlink:href on <image>", "data: URI");
    }

    @Test
    void aLogoThatLoadsStyleFromElsewhereFails() {
        KitRun run = KitRun.of(logo("""
                <svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url('https://example.com/p.svg#p')"/></svg>"""));

        assertThat(run.failures()).containsOnlyKeys("logoIsASelfContainedSvg");
        assertThat(run.message("logoIsASelfContainedSvg")).contains("loads a url(...) from another address");
    }

    @Test
    void aLogoWithADoctypeFails() {
        KitRun run = KitRun.of(logo("""
                <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
                <svg xmlns="http://www.w3.org/2000/svg"/>"""));

        assertThat(run.failures()).containsOnlyKeys("logoIsASelfContainedSvg");
        assertThat(run.message("logoIsASelfContainedSvg")).contains("DOCTYPE");
    }

    private static FakeProvider logo(String svg) {
        return new FakeProvider() {
            @Override
            public String logoSvg() {
                return svg;
            }
        };
    }
}
