package dev.zkscope.app;

import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.BeforeEach;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;
import java.util.concurrent.TimeUnit;

/**
 * The real window per test: {@link #fixture} opens it (1280 x 800, no warm-up proof, unless a test class overrides
 * it), and it is closed after each test with everything it ran in the background stopped ({@link AppFixture#close}).
 */
@ExtendWith(ApplicationExtension.class)
abstract class AppWindowTest {
    protected AppFixture app;

    /**
     * On the primary stage the extension registered before each test (TestFX looks for {@code @Start} on the test
     * class itself, not on its superclasses, so the window is opened here).
     */
    @BeforeEach
    void open() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        // a generous wait: on a loaded machine the first window of a JVM takes long to build (class loading, CSS)
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, WaitForAsyncUtils.asyncFx(() -> {
            app = fixture(stage);
        }));
    }

    /** The window of this test class. */
    protected AppFixture fixture(Stage stage) {
        return new AppFixture(stage, false, 1280, 800);
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        app.close(robot);
    }
}
