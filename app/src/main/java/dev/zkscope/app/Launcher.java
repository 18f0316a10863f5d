package dev.zkscope.app;

import javafx.application.Application;

/**
 * Entry point of {@code ./zkscope app [MODEL]}. A plain class (not an {@link Application}) so that the JavaFX jars
 * can sit on the class path without the launcher's module check.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        Application.launch(ZkscopeApp.class, args);
    }
}
