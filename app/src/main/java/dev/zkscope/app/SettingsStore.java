package dev.zkscope.app;

import java.util.HashMap;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** Small persistent key-value settings: the user's preferences in the app, a map in tests. */
public interface SettingsStore {
    String get(String key, String fallback);

    void put(String key, String value);

    /** The user's preferences node of the app. */
    static SettingsStore preferences() {
        Preferences node = Preferences.userRoot().node("dev/zkscope/app");
        return new SettingsStore() {
            @Override
            public String get(String key, String fallback) {
                return node.get(key, fallback);
            }

            @Override
            public void put(String key, String value) {
                node.put(key, value);
                try {
                    node.flush();
                } catch (BackingStoreException e) {
                    // Preferences are a convenience: a failed flush loses only the recent-files list.
                    java.util.logging.Logger.getLogger("zkscope").fine("cannot save preferences: " + e);
                }
            }
        };
    }

    static SettingsStore inMemory() {
        Map<String, String> map = new HashMap<>();
        return new SettingsStore() {
            @Override
            public String get(String key, String fallback) {
                return map.getOrDefault(key, fallback);
            }

            @Override
            public void put(String key, String value) {
                map.put(key, value);
            }
        };
    }
}
