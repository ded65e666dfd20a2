package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.BulkChange;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.util.FormValidation;
import hudson.util.Secret;
import io.jenkins.plugins.buildstream.core.HubConfig;
import io.jenkins.plugins.buildstream.core.codec.EdgeUrl;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import java.io.IOException;
import java.time.Duration;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Global settings (Manage Jenkins → System → Build Stream; JCasC: {@code unclassified: buildStream: ...}).
 *
 * <p>Defaults come from system properties, so an installation can be tuned before anyone opens the page:
 * <ul>
 *   <li>{@code io.jenkins.plugins.buildstream.BuildStreamConfiguration.heartbeatSeconds} (default 15)
 *   <li>{@code io.jenkins.plugins.buildstream.BuildStreamConfiguration.coalesceMillis} (default 50)
 *   <li>{@code io.jenkins.plugins.buildstream.BuildStreamConfiguration.maxSubscribers} (default 1000)
 *   <li>{@code io.jenkins.plugins.buildstream.BuildStreamConfiguration.panelEnabled} (default true)
 *   <li>{@code io.jenkins.plugins.buildstream.BuildStreamConfiguration.redisUrl} (default none: no replication)
 *   <li>{@code io.jenkins.plugins.buildstream.BuildStreamConfiguration.retentionHours} (default 24)
 * </ul>
 * Values saved on the page (or by JCasC) win over the properties. The edge secret has no property (system
 * properties are shown on Manage Jenkins → System Information); it is kept encrypted, as a {@link Secret}.
 */
@Extension
@Symbol("buildStream")
public class BuildStreamConfiguration extends GlobalConfiguration {
    static final String PREFIX = BuildStreamConfiguration.class.getName() + ".";

    static final int MIN_HEARTBEAT_SECONDS = 1;
    static final int MAX_HEARTBEAT_SECONDS = 300;
    static final int MIN_COALESCE_MILLIS = 1;
    static final int MAX_COALESCE_MILLIS = 1000;
    static final int MIN_SUBSCRIBERS = 1;
    static final int MAX_SUBSCRIBERS = 100_000;
    static final int MIN_RETENTION_HOURS = 1;
    static final int MAX_RETENTION_HOURS = 24 * 366;

    private int heartbeatSeconds = clamp(SystemProperties.getInteger(PREFIX + "heartbeatSeconds", 15),
            MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS);
    private int coalesceMillis = clamp(SystemProperties.getInteger(PREFIX + "coalesceMillis", 50),
            MIN_COALESCE_MILLIS, MAX_COALESCE_MILLIS);
    private int maxSubscribers = clamp(SystemProperties.getInteger(PREFIX + "maxSubscribers", 1000),
            MIN_SUBSCRIBERS, MAX_SUBSCRIBERS);
    private boolean panelEnabled = SystemProperties.getBoolean(PREFIX + "panelEnabled", true);
    private String redisUrl = SystemProperties.getString(PREFIX + "redisUrl", "");
    private int retentionHours = clamp(SystemProperties.getInteger(PREFIX + "retentionHours", 24),
            MIN_RETENTION_HOURS, MAX_RETENTION_HOURS);
    private Secret edgeSecret; // null: this controller issues no stream tokens
    private String edgeUrl = ""; // empty: the panel streams from this controller
    private transient boolean binding; // configure() is binding the form: apply once, at its end

    public BuildStreamConfiguration() {
        load();
    }

    public static @NonNull BuildStreamConfiguration get() {
        return ExtensionList.lookupSingleton(BuildStreamConfiguration.class);
    }

    public int getHeartbeatSeconds() {
        return heartbeatSeconds;
    }

    @DataBoundSetter
    public void setHeartbeatSeconds(int heartbeatSeconds) {
        this.heartbeatSeconds = clamp(heartbeatSeconds, MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS);
        changed();
    }

    public int getCoalesceMillis() {
        return coalesceMillis;
    }

    @DataBoundSetter
    public void setCoalesceMillis(int coalesceMillis) {
        this.coalesceMillis = clamp(coalesceMillis, MIN_COALESCE_MILLIS, MAX_COALESCE_MILLIS);
        changed();
    }

    public int getMaxSubscribers() {
        return maxSubscribers;
    }

    @DataBoundSetter
    public void setMaxSubscribers(int maxSubscribers) {
        this.maxSubscribers = clamp(maxSubscribers, MIN_SUBSCRIBERS, MAX_SUBSCRIBERS);
        changed();
    }

    public boolean isPanelEnabled() {
        return panelEnabled;
    }

    @DataBoundSetter
    public void setPanelEnabled(boolean panelEnabled) {
        this.panelEnabled = panelEnabled;
        changed();
    }

    /** Redis to replicate builds into, {@code redis://host:port[/db]}, or empty (docs/SCALING.md). */
    public String getRedisUrl() {
        return redisUrl;
    }

    @DataBoundSetter
    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl == null ? "" : redisUrl.trim();
        changed();
    }

    /** How long Redis keeps a build after its last output (docs/SCALING.md); the server's --retention-hours. */
    public int getRetentionHours() {
        return retentionHours;
    }

    @DataBoundSetter
    public void setRetentionHours(int retentionHours) {
        this.retentionHours = clamp(retentionHours, MIN_RETENTION_HOURS, MAX_RETENTION_HOURS);
        changed();
    }

    /**
     * The secret this controller shares with its edges (the content of their {@code --edge-secret-file}, surrounding
     * whitespace ignored on both sides) to sign stream tokens; null when none is set.
     */
    public @CheckForNull Secret getEdgeSecret() {
        return edgeSecret;
    }

    /**
     * Empty or null removes the secret (no tokens are issued).
     *
     * @throws IllegalArgumentException if the secret is shorter than edges accept (16 bytes): the web form shows it,
     *     and JCasC stops with it, rather than saving a secret the edges would refuse to start with
     */
    @DataBoundSetter
    public void setEdgeSecret(@CheckForNull Secret edgeSecret) {
        String problem = secretProblem(edgeSecret);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.edgeSecret = Secret.toString(edgeSecret).isBlank() ? null : edgeSecret;
        changed();
    }

    /** The edge (or its load balancer) the live panel streams from, ending in {@code /}; empty: this controller. */
    public @NonNull String getEdgeUrl() {
        return edgeUrl == null ? "" : edgeUrl;
    }

    /** @throws IllegalArgumentException for anything but an http(s) URL without query (the form shows it) */
    @DataBoundSetter
    public void setEdgeUrl(@CheckForNull String edgeUrl) {
        String v = edgeUrl == null ? "" : edgeUrl.trim();
        String problem = edgeUrlProblem(v);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.edgeUrl = v.isEmpty() ? v : EdgeUrl.parse(v).toString();
        changed();
    }

    /** The form's check of the edge URL. */
    @POST
    public FormValidation doCheckEdgeUrl(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String problem = edgeUrlProblem(value == null ? "" : value.trim());
        return problem == null ? FormValidation.ok() : FormValidation.error(problem);
    }

    static @CheckForNull String edgeUrlProblem(String v) {
        return v.isEmpty() || EdgeUrl.parse(v) != null ? null : Messages.BuildStreamConfiguration_edgeUrlInvalid(v);
    }

    /** The signer of stream tokens, or null when no edge secret is set. */
    @CheckForNull
    StreamTokens streamTokens() {
        Secret s = edgeSecret;
        return s == null ? null : StreamTokens.fromSecret(s.getPlainText());
    }

    /** The form's check of the edge secret: the length edges require. */
    @POST
    public FormValidation doCheckEdgeSecret(@QueryParameter Secret value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String problem = secretProblem(value);
        return problem == null ? FormValidation.ok() : FormValidation.error(problem);
    }

    /** Why the secret cannot sign tokens, or null when it can or is empty (no secret). */
    static @CheckForNull String secretProblem(@CheckForNull Secret secret) {
        String plain = Secret.toString(secret);
        if (plain.isBlank()) {
            return null;
        }
        try {
            StreamTokens.fromSecret(plain);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The form's check of the Redis URL: its syntax only (connecting is the replicator's job, with retries). */
    @POST
    public FormValidation doCheckRedisUrl(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String problem = RedisReplication.problem(value);
        return problem == null ? FormValidation.ok() : FormValidation.error(problem);
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return Messages.BuildStreamConfiguration_displayName();
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        // Unchecked boxes are absent from the form: reset the flag before binding.
        try (BulkChange bc = new BulkChange(this)) {
            panelEnabled = false;
            binding = true;
            req.bindJSON(this, json);
            bc.commit();
        } catch (IOException e) {
            throw new FormException(e, "buildStream");
        } catch (IllegalArgumentException e) {
            // A setter's refusal (the edge secret), which bindJSON rethrows as it is (jenkinsci/stapler,
            // 2050.v425108fd5089, core/src/main/java/org/kohsuke/stapler/RequestImpl.java:656-660): one line.
            throw new FormException(e.getMessage(), e, "buildStream");
        } finally {
            binding = false;
        }
        StreamHubHolder.reconfigure(toHubConfig());
        RedisReplication.apply(redisUrl, retention());
        return true;
    }

    /** The engine settings these values stand for. */
    HubConfig toHubConfig() {
        return HubConfig.defaults()
                .withHeartbeatMillis(heartbeatSeconds * 1000L)
                .withCoalesceMillis(coalesceMillis)
                .withMaxSubscribers(maxSubscribers);
    }

    /** How long Redis keeps a build. */
    Duration retention() {
        return Duration.ofHours(retentionHours);
    }

    /**
     * Persists and applies to the running hub (both the web form and JCasC go through the setters). While the form
     * is bound nothing is applied (nor saved: its {@link BulkChange}): {@link #configure} applies once, after every
     * setter ran, so the replicator is not restarted once per setting.
     */
    private void changed() {
        if (binding) {
            return;
        }
        save();
        StreamHubHolder.reconfigure(toHubConfig());
        RedisReplication.apply(redisUrl, retention());
    }

    static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }
}
