package io.featuremon.serdes;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.types.Password;

/**
 * The one place that decides what of a setting, a URL or a message may be shown: everything featuremon prints,
 * logs, throws or writes to a dead letter goes through it when it could carry a secret.
 *
 * <ul>
 *   <li>A <b>secret key</b> ({@link #isSecretKey}: {@code *password}, {@code sasl.jaas.config},
 *       {@code basic.auth.user.info}, {@code bearer.auth.token}, {@code *secret*}, {@code *token}) shows
 *       {@value #HIDDEN} whatever its value.</li>
 *   <li>A <b>URL</b> keeps scheme, host, port and path; its user info becomes {@value #HIDDEN} and so does the
 *       value of every query parameter ({@code https://alice:s3cret@host/apis?token=abc} shows as
 *       {@code https://[hidden]@host/apis?token=[hidden]}).</li>
 *   <li><b>Free text</b> (an exception message) has every URL in it redacted as above, and every
 *       {@code password=...} (as in a JAAS line) hidden.</li>
 * </ul>
 *
 * Redaction errs on the side of hiding: a query parameter that is not a secret still shows {@value #HIDDEN}.
 */
public final class Redaction {

    /** What a hidden value shows; the same text Kafka prints for its own password settings. */
    public static final String HIDDEN = "[hidden]";

    // scheme://[userinfo@]rest-of-authority-and-path[?query][#fragment], up to the next blank or quote.
    private static final Pattern URL_IN_TEXT = Pattern.compile(
            "\\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^\\s/?#\"'<>]*@)?([^\\s?#\"'<>]*)(\\?[^\\s#\"'<>]*)?(#[^\\s\"'<>]*)?");
    // password=value or password="value" (JAAS, properties), or "password": "value" (JSON).
    private static final Pattern PASSWORD_IN_TEXT = Pattern.compile(
            "(?i)\\b([a-z0-9._-]*(?:password|secret|token|user\\.info))(\\s*=\\s*|\"\\s*:\\s*(?=\"))"
                    + "(\"[^\"]*\"|'[^']*'|[^\\s,;}\"']+)");

    private Redaction() {
    }

    /**
     * Whether the setting {@code key} holds a secret: its value is never shown. Matches Kafka's own
     * PASSWORD-type keys ({@code ssl.truststore.password}, {@code sasl.jaas.config}, ...) and the schema
     * registry client's credentials; case does not matter.
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("password")
                || k.endsWith("jaas.config")
                || k.endsWith("user.info")
                || k.endsWith("token")
                || k.contains("secret")
                || k.endsWith("credentials")
                || k.endsWith("ssl.keystore.key")
                || k.endsWith("api.key");
    }

    /**
     * A URL fit to show: user info and query values hidden. Something that does not parse as a URL is still
     * scrubbed by the same rules as {@link #text}.
     */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url.trim());
            if (uri.getScheme() == null || uri.isOpaque()) {
                return text(url);
            }
            StringBuilder out = new StringBuilder(uri.getScheme()).append("://");
            if (uri.getRawUserInfo() != null) {
                out.append(HIDDEN).append('@');
            }
            if (uri.getHost() != null) {
                out.append(uri.getHost());
                if (uri.getPort() >= 0) {
                    out.append(':').append(uri.getPort());
                }
            } else if (uri.getRawAuthority() != null) {
                // a registry-based authority (e.g. an underscore in the host): keep only what follows an '@'
                String authority = uri.getRawAuthority();
                out.append(authority.substring(authority.lastIndexOf('@') + 1));
            }
            out.append(uri.getRawPath() == null ? "" : uri.getRawPath());
            if (uri.getRawQuery() != null) {
                out.append('?').append(query(uri.getRawQuery()));
            }
            if (uri.getRawFragment() != null) {
                out.append('#').append(HIDDEN);
            }
            return out.toString();
        } catch (URISyntaxException e) {
            return text(url);
        }
    }

    /** A message fit to show: every URL in it redacted as by {@link #url}, every {@code password=...} hidden. */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        Matcher urls = URL_IN_TEXT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (urls.find()) {
            StringBuilder url = new StringBuilder(urls.group(1));
            if (urls.group(2) != null) {
                url.append(HIDDEN).append('@');
            }
            url.append(urls.group(3));
            if (urls.group(4) != null) {
                url.append('?').append(query(urls.group(4).substring(1)));
            }
            if (urls.group(5) != null) {
                url.append('#').append(HIDDEN);
            }
            urls.appendReplacement(out, Matcher.quoteReplacement(url.toString()));
        }
        urls.appendTail(out);
        return PASSWORD_IN_TEXT.matcher(out).replaceAll(m -> Matcher.quoteReplacement(
                m.group(3).startsWith("\"") || m.group(3).startsWith("'")
                        ? m.group(1) + m.group(2) + m.group(3).charAt(0) + HIDDEN + m.group(3).charAt(0)
                        : m.group(1) + m.group(2) + HIDDEN));
    }

    /**
     * The value of setting {@code key} fit to show: {@value #HIDDEN} for a secret key (and for any Kafka
     * {@link Password}), a redacted URL for a value that holds one, the value itself otherwise.
     */
    public static String value(String key, Object value) {
        if (value == null) {
            return "";
        }
        if (isSecretKey(key) || value instanceof Password) {
            return HIDDEN;
        }
        String text = value instanceof java.util.List<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value);
        return text.contains("://") ? text(text) : text;
    }

    /** Every setting of {@code config} with its value as {@link #value} shows it, sorted by key. */
    public static Map<String, String> config(Map<String, ?> config) {
        Map<String, String> shown = new TreeMap<>();
        config.forEach((key, value) -> shown.put(key, value(key, value)));
        return shown;
    }

    /** A raw query string ({@code a=1&token=x}) with every value hidden ({@code a=[hidden]&token=[hidden]}). */
    static String query(String rawQuery) {
        StringBuilder out = new StringBuilder();
        for (String parameter : rawQuery.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            int eq = parameter.indexOf('=');
            out.append(eq < 0 ? HIDDEN : parameter.substring(0, eq + 1) + HIDDEN);
        }
        return out.toString();
    }
}
