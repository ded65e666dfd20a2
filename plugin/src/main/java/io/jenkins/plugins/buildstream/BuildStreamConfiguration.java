package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.BulkChange;
import hudson.Extension;
import hudson.ExtensionList;
import io.jenkins.plugins.buildstream.core.HubConfig;
import java.io.IOException;
import hudson.util.FormValidation;
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
 * </ul>
 * Values saved on the page (or by JCasC) win over the properties.
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

    private int heartbeatSeconds = clamp(SystemProperties.getInteger(PREFIX + "heartbeatSeconds", 15),
            MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS);
    private int coalesceMillis = clamp(SystemProperties.getInteger(PREFIX + "coalesceMillis", 50),
            MIN_COALESCE_MILLIS, MAX_COALESCE_MILLIS);
    private int maxSubscribers = clamp(SystemProperties.getInteger(PREFIX + "maxSubscribers", 1000),
            MIN_SUBSCRIBERS, MAX_SUBSCRIBERS);
    private boolean panelEnabled = SystemProperties.getBoolean(PREFIX + "panelEnabled", true);
    private String redisUrl = SystemProperties.getString(PREFIX + "redisUrl", "");

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
            req.bindJSON(this, json);
            bc.commit();
        } catch (IOException e) {
            throw new FormException(e, "buildStream");
        }
        StreamHubHolder.reconfigure(toHubConfig());
        RedisReplication.apply(redisUrl);
        return true;
    }

    /** The engine settings these values stand for. */
    HubConfig toHubConfig() {
        return HubConfig.defaults()
                .withHeartbeatMillis(heartbeatSeconds * 1000L)
                .withCoalesceMillis(coalesceMillis)
                .withMaxSubscribers(maxSubscribers);
    }

    /** Persists and applies to the running hub (both the web form and JCasC go through the setters). */
    private void changed() {
        save();
        StreamHubHolder.reconfigure(toHubConfig());
        RedisReplication.apply(redisUrl);
    }

    static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }
}
