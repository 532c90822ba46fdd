package com.smartchat.telegram;

/** Telegram's mark, drawn for this plugin: a white paper plane in a blue circle. */
final class Logo {

    static final String SVG = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 240" width="240" height="240" role="img" \
            aria-label="Telegram">
              <title>Telegram</title>
              <defs>
                <linearGradient id="telegram-sky" x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0" stop-color="#37AEE2"/>
                  <stop offset="1" stop-color="#1E96C8"/>
                </linearGradient>
              </defs>
              <circle cx="120" cy="120" r="120" fill="url(#telegram-sky)"/>
              <path fill="#FFFFFF" d="M49 117.5 L174 68.5 C179.5 66.5 184 69.8 182.4 77.6 L161.3 177 \
            C159.8 183.8 155.5 185.4 149.9 182.2 L118.5 159 L103.4 173.6 C101.7 175.3 100.3 176.7 97.1 176.7 \
            L99.3 144.3 L158.3 91 C160.9 88.7 157.8 87.4 154.3 89.7 L81.4 135.6 L50 125.8 \
            C43.2 123.7 43.1 119.9 49 117.5 Z"/>
              <path fill="#C8DAEA" d="M97.1 176.7 L99.3 144.3 L118.5 159 L103.4 173.6 C101.7 175.3 100.3 176.7 97.1 176.7 Z"/>
            </svg>
            """;

    private Logo() {
    }
}
