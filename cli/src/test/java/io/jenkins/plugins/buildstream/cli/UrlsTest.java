package io.jenkins.plugins.buildstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What users paste: build and job URLs with or without a page after them, in folders, and what is refused. */
class UrlsTest {
    @Test
    void buildUrlWithOrWithoutSlashOrPage() {
        for (String s : new String[] {"http://h:8080/job/demo/12/", "http://h:8080/job/demo/12",
            "http://h:8080/job/demo/12/stream", "http://h:8080/job/demo/12/console", "http://h:8080/job/demo/12/?x=1"}) {
            assertThat(Urls.parse(s)).as(s).isEqualTo(new Urls("http://h:8080/job/demo/12/", true));
        }
    }

    @Test
    void jobUrlInAFolderUnderAContextPath() {
        assertThat(Urls.parse("https://ci.example.com/jenkins/job/team/job/app"))
                .isEqualTo(new Urls("https://ci.example.com/jenkins/job/team/job/app/", false));
        assertThat(Urls.parse("https://ci.example.com/jenkins/job/team/job/app/3/"))
                .isEqualTo(new Urls("https://ci.example.com/jenkins/job/team/job/app/3/", true));
    }

    @Test
    void notAJobOrBuildIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Urls.parse("http://h/view/all/")).hasMessageStartingWith("not a job or build URL");
        assertThatThrownBy(() -> Urls.parse("ftp://h/job/x/")).hasMessageStartingWith("not an http(s) URL");
    }

    @Test
    void rootOfAServerForTheFirehose() {
        assertThat(Urls.root("http://h:8080")).isEqualTo("http://h:8080/");
        assertThat(Urls.root("http://h:8080/jenkins/build-stream/events")).isEqualTo("http://h:8080/jenkins/");
    }
}
