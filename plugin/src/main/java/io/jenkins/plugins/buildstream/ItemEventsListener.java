package io.jenkins.plugins.buildstream;

import hudson.Extension;
import hudson.model.Item;
import hudson.model.listeners.ItemListener;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drops a deleted or renamed job's events from the firehose's history ({@link StreamHub#forgetJob}): the firehose
 * re-checks access by job name, so a job created later under the old name would otherwise show the old job's build
 * and step names to its readers. Folders are covered by prefix. Called on the thread that deletes or renames the item
 * (a request thread); never throws into it.
 */
@Extension
public final class ItemEventsListener extends ItemListener {
    private static final Logger LOGGER = Logger.getLogger(ItemEventsListener.class.getName());

    @Override
    public void onDeleted(Item item) {
        forget(item.getFullName());
    }

    /**
     * Called for the moved item and then for each item inside it (jenkins-2.541.3 {@code ItemListener.java:244-265});
     * the first call already covers the others by prefix.
     */
    @Override
    public void onLocationChanged(Item item, String oldFullName, String newFullName) {
        forget(oldFullName);
    }

    private static void forget(String fullName) {
        try {
            StreamHub hub = StreamHubHolder.hub();
            if (hub != null) {
                hub.forgetJob(fullName);
            }
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: could not drop the firehose history of " + fullName, e);
        }
    }
}
