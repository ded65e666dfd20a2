package io.jenkins.plugins.buildstream.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token rules of docs/SCALING.md, one test each; the edge's use of them is EdgeAccessTest (server/). */
class StreamTokensTest {
    private static final String SECRET = "0123456789abcdef-shared";
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void aJobTokenOpensThatJobOnly() throws Exception {
        StreamTokens t = StreamTokens.fromSecret(SECRET);
        String token = t.issue("demo", NOW).token();
        t.check(token, "demo", NOW + 1);
        assertThatThrownBy(() -> t.check(token, "other", NOW + 1))
                .isInstanceOfSatisfying(StreamTokens.Refused.class, e -> assertThat(e.status).isEqualTo(403));
        assertThatThrownBy(() -> t.check(token, null, NOW + 1))
                .isInstanceOfSatisfying(StreamTokens.Refused.class, e -> assertThat(e.status).isEqualTo(403));
    }

    @Test
    void anAllTokenOpensEveryJobAndTheFirehose() throws Exception {
        StreamTokens t = StreamTokens.fromSecret(SECRET);
        String token = t.issue(StreamTokens.ALL, NOW).token();
        t.check(token, "demo", NOW + 1);
        t.check(token, null, NOW + 1);
    }

    @Test
    void aTokenExpiresAfterTheTtl() {
        StreamTokens t = StreamTokens.fromSecret(SECRET);
        StreamTokens.Token token = t.issue("demo", NOW);
        assertThat(token.expiresAt()).isEqualTo(NOW + StreamTokens.TTL.toMillis());
        assertThatCode(() -> t.check(token.token(), "demo", token.expiresAt() - 1)).doesNotThrowAnyException();
        assertThatThrownBy(() -> t.check(token.token(), "demo", token.expiresAt()))
                .isInstanceOfSatisfying(StreamTokens.Refused.class, e -> assertThat(e.status).isEqualTo(401));
    }

    @Test
    void anotherSecretsTokenIsRefused() {
        String forged = StreamTokens.fromSecret("another secret of 16+ bytes").issue("demo", NOW).token();
        assertThatThrownBy(() -> StreamTokens.fromSecret(SECRET).check(forged, "demo", NOW + 1))
                .isInstanceOfSatisfying(StreamTokens.Refused.class, e -> assertThat(e.status).isEqualTo(401));
    }

    @Test
    void theJsonAnswerHoldsTokenAndExpiry() {
        StreamTokens.Token token = StreamTokens.fromSecret(SECRET).issue("demo", NOW);
        assertThat(token.json()).isEqualTo("{\"token\":\"" + token.token() + "\",\"expiresAt\":"
                + (NOW + StreamTokens.TTL.toMillis()) + "}");
    }

    /** The Jenkins plugin holds the secret as text, edges read it from a file: both must sign alike. */
    @Test
    void aSecretAsTextSignsLikeTheSameSecretInAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret.txt");
        Files.writeString(file, SECRET + "\n", StandardCharsets.UTF_8);
        String fromText = StreamTokens.fromSecret("  " + SECRET + " ").issue("demo", NOW).token();
        StreamTokens.fromFile(file).check(fromText, "demo", NOW + 1);
        assertThat(StreamTokens.fromFile(file).issue("demo", NOW).token()).isEqualTo(fromText);
    }

    @Test
    void aSecretShorterThan16BytesIsRefused() {
        assertThatThrownBy(() -> StreamTokens.fromSecret(" 0123456789abcde \n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
        assertThatCode(() -> StreamTokens.fromSecret("0123456789abcdef")).doesNotThrowAnyException();
    }
}
