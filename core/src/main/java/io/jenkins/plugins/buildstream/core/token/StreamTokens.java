package io.jenkins.plugins.buildstream.core.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived stream tokens, signed with the secret an origin and its edges share (HMAC-SHA256). An edge cannot
 * evaluate the origin's permissions, so the origin does, and hands the client a token scoped to one job (its build
 * and job streams) or, for administrators, to everything ({@link #ALL}, which the firehose needs).
 *
 * <p>Format: {@code base64url("v1\n<scope>\n<expiresAt epoch ms>") + "." + base64url(hmac(first part))}.
 */
public final class StreamTokens {
    /** The scope of a token valid for every job and the firehose. */
    public static final String ALL = "*";
    /** How long an issued token is valid. */
    public static final Duration TTL = Duration.ofMinutes(10);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] secret;

    /** A token and when it expires. */
    public record Token(String token, long expiresAt) {
        /** {@code {"token":"…","expiresAt":<epoch ms>}} — the token alphabet needs no JSON escaping. */
        public String json() {
            return "{\"token\":\"" + token + "\",\"expiresAt\":" + expiresAt + "}";
        }
    }

    /** Why a token was refused: 401 (missing, malformed, forged, expired) or 403 (valid, another scope). */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        public final int status;

        Refused(int status, String reason) {
            super(reason);
            this.status = status;
        }
    }

    StreamTokens(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the edge secret must be at least 16 bytes");
        }
        this.secret = secret.clone();
    }

    /** Reads the shared secret (surrounding whitespace, such as a final newline, is not part of it). */
    public static StreamTokens fromFile(Path file) throws IOException {
        return fromSecret(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * The shared secret given as text (the Jenkins plugin's setting), read exactly as {@link #fromFile} reads the
     * file's content, so an origin configured with the text and edges given a file holding it sign alike.
     *
     * @throws IllegalArgumentException if it is shorter than 16 bytes (UTF-8, surrounding whitespace removed)
     */
    public static StreamTokens fromSecret(String secret) {
        return new StreamTokens(secret.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** A token for {@code scope} (a full job name, or {@link #ALL}) valid for {@link #TTL} from {@code now}. */
    public Token issue(String scope, long now) {
        long expiresAt = now + TTL.toMillis();
        String payload = B64.encodeToString(("v1\n" + scope + "\n" + expiresAt).getBytes(StandardCharsets.UTF_8));
        return new Token(payload + "." + B64.encodeToString(mac(payload)), expiresAt);
    }

    /**
     * Checks a token for a request about {@code job} (null: the firehose, which needs {@link #ALL}).
     *
     * @throws Refused with the status to answer and a one-line reason
     */
    public void check(String token, String job, long now) throws Refused {
        if (token == null || token.isEmpty()) {
            throw new Refused(401, "a stream token is required: get one from the origin's <job-url>stream-token");
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || token.length() > 2048) {
            throw new Refused(401, "malformed stream token");
        }
        String payload = token.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new Refused(401, "malformed stream token");
        }
        if (!MessageDigest.isEqual(given, mac(payload))) {
            throw new Refused(401, "stream token not signed by this origin's secret");
        }
        String[] p = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8).split("\n", -1);
        if (p.length != 3 || !p[0].equals("v1")) {
            throw new Refused(401, "malformed stream token");
        }
        if (Long.parseLong(p[2]) <= now) {
            throw new Refused(401, "stream token expired; get a new one from the origin");
        }
        if (!p[1].equals(ALL) && !p[1].equals(job)) {
            throw new Refused(403, job == null ? "the firehose needs a token for every job (administrators)"
                    : "this stream token is not valid for job " + job);
        }
    }

    private byte[] mac(String payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            return m.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
