package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.User;
import hudson.util.FormValidation;
import hudson.util.Secret;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The origin side of edges in Jenkins (docs/SCALING.md): {@code <job-url>stream-token} for readers of the job,
 * {@code /build-stream/stream-token} for administrators, checked with the same {@link StreamTokens} edges use, given
 * the secret as the text of their {@code --edge-secret-file}.
 */
@WithJenkins
class StreamTokenTest {
    /** What an edge's secret file would hold (a final newline is not part of the secret). */
    private static final String SECRET_FILE = "edge-secret-of-this-test-0123456789\n";

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
    }

    private HttpResponse<String> get(String path, String user, String apiToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(j.getURL() + path));
        return Sse.fetch(user == null ? b : Sse.basic(b, user, apiToken));
    }

    /** The token in a 200 answer, after checking the answer's form and its expiry against the clock. */
    private static String token(HttpResponse<String> rsp, long before) {
        assertEquals(200, rsp.statusCode(), rsp.body());
        assertThat(rsp.headers().firstValue("Content-Type").orElse(""), containsString("application/json"));
        assertEquals("no-store", rsp.headers().firstValue("Cache-Control").orElse(""));
        JSONObject json = JSONObject.fromObject(rsp.body());
        assertThat(json.getLong("expiresAt"), allOf(greaterThanOrEqualTo(before + StreamTokens.TTL.toMillis()),
                lessThanOrEqualTo(System.currentTimeMillis() + StreamTokens.TTL.toMillis())));
        return json.getString("token");
    }

    private static int refusal(String token, String job) {
        StreamTokens.Refused e = assertThrows(StreamTokens.Refused.class,
                () -> StreamTokens.fromSecret(SECRET_FILE).check(token, job, System.currentTimeMillis()));
        return e.status;
    }

    @Test
    void readersOfAJobGetATokenForThatJobOnlyAndAdministratorsOneForEverything() throws Exception {
        BuildStreamConfiguration.get().setEdgeSecret(Secret.fromString(SECRET_FILE.strip()));
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        FreeStyleProject secret = j.createFreeStyleProject("secret");
        j.createFreeStyleProject("other");
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ).everywhere().to("alice", "bob", "carol", "root")
                .grant(Item.READ).onItems(secret).to("bob")
                .grant(Item.READ).everywhere().to("carol")
                .grant(Jenkins.ADMINISTER).everywhere().to("root"));
        String alice = j.createApiToken(User.getById("alice", true));
        String bob = j.createApiToken(User.getById("bob", true));
        String carol = j.createApiToken(User.getById("carol", true));
        String root = j.createApiToken(User.getById("root", true));

        // Item.READ on the job: a token the edges accept for that job's streams, and for nothing else.
        long before = System.currentTimeMillis();
        String job = token(get("job/secret/stream-token", "bob", bob), before);
        StreamTokens.fromSecret(SECRET_FILE).check(job, "secret", System.currentTimeMillis());
        assertEquals(403, refusal(job, "other"));
        assertEquals(403, refusal(job, null)); // not the firehose
        // signed with this secret only
        assertThrows(StreamTokens.Refused.class, () -> StreamTokens.fromSecret("another-secret-0123456789")
                .check(job, "secret", System.currentTimeMillis()));

        // No Item.READ: Jenkins hides the job (404); anonymous without Overall/Read: 403. No token either way.
        HttpResponse<String> hidden = get("job/secret/stream-token", "alice", alice);
        assertEquals(404, hidden.statusCode());
        assertThat(hidden.body(), not(containsString("\"token\"")));
        HttpResponse<String> anonymous = get("job/secret/stream-token", null, null);
        assertEquals(403, anonymous.statusCode());
        assertThat(anonymous.body(), not(containsString("\"token\"")));
        // GET only
        HttpResponse<String> post = HttpClient.newHttpClient().send(Sse.basic(HttpRequest.newBuilder(
                URI.create(j.getURL() + "job/secret/stream-token")), "bob", bob)
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(405, post.statusCode());

        // The token for every job and the firehose: administrators only, even for a reader of every job.
        assertEquals(403, get("build-stream/stream-token", "bob", bob).statusCode());
        assertEquals(403, get("build-stream/stream-token", "carol", carol).statusCode());
        assertEquals(403, get("build-stream/stream-token", null, null).statusCode());
        String all = token(get("build-stream/stream-token", "root", root), before);
        StreamTokens.fromSecret(SECRET_FILE).check(all, null, System.currentTimeMillis());
        StreamTokens.fromSecret(SECRET_FILE).check(all, "other", System.currentTimeMillis());
    }

    @Test
    void withoutAnEdgeSecretNoTokenIsIssued() throws Exception {
        j.createFreeStyleProject("open");
        assertNull(BuildStreamConfiguration.get().getEdgeSecret());
        HttpResponse<String> rsp = get("job/open/stream-token", null, null);
        assertEquals(404, rsp.statusCode());
        assertThat(rsp.body(), containsString("edge secret"));
        assertEquals(404, get("build-stream/stream-token", null, null).statusCode());
    }

    @Test
    void aSecretEdgesWouldRefuseIsRefusedHere() {
        BuildStreamConfiguration config = BuildStreamConfiguration.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.setEdgeSecret(Secret.fromString("too short")));
        assertThat(e.getMessage(), containsString("16 bytes"));
        assertNull(config.getEdgeSecret());
        assertEquals(FormValidation.Kind.ERROR, config.doCheckEdgeSecret(Secret.fromString("too short")).kind);
        assertEquals(FormValidation.Kind.OK, config.doCheckEdgeSecret(Secret.fromString(SECRET_FILE)).kind);
        assertEquals(FormValidation.Kind.OK, config.doCheckEdgeSecret(Secret.fromString("")).kind); // none
        config.setEdgeSecret(Secret.fromString(SECRET_FILE));
        config.setEdgeSecret(Secret.fromString("")); // removes it
        assertNull(config.getEdgeSecret());
    }

    /** The web form keeps both settings; the secret is saved encrypted. */
    @Test
    void settingsSurviveTheFormAndAreSavedEncrypted() throws Exception {
        BuildStreamConfiguration config = BuildStreamConfiguration.get();
        config.setEdgeSecret(Secret.fromString(SECRET_FILE.strip()));
        config.setRetentionHours(48);
        j.configRoundtrip();
        assertEquals(48, config.getRetentionHours());
        assertEquals(SECRET_FILE.strip(), Secret.toString(config.getEdgeSecret()));
        // Descriptor.getConfigFile() is protected: the file it names (jenkinsci/jenkins, jenkins-2.541.3,
        // core/src/main/java/hudson/model/Descriptor.java:994-995)
        String saved = Files.readString(new File(j.jenkins.getRootDir(), config.getId() + ".xml").toPath());
        assertThat(saved, allOf(containsString("<retentionHours>48</retentionHours>"),
                containsString("<edgeSecret>"), not(containsString(SECRET_FILE.strip()))));

        config.setRetentionHours(0); // clamped like the other settings
        assertEquals(1, config.getRetentionHours());
    }
}
