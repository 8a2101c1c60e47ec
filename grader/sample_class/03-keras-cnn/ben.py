"""Sample student ben: typed the seed article's code into the functions.

preprocess divides by 255 but keeps the article's missing channel axis and
to_categorical's float64 labels; build_cnn copies LeakyReLU(alpha=...) and
input_shape= (it works, with deprecation warnings: loses the Keras 3 test); train is
right. Expected losses: preprocess, build_cnn.
"""


def preprocess(x, y):
    x = x.astype("float32")
    x = x / 255  # black or white
    y = keras.utils.to_categorical(y, 10)
    return x, y


def build_cnn(negative_slope=0.1):
    from keras.layers import Conv2D, Dense, Dropout, Flatten, LeakyReLU, MaxPooling2D

    model = keras.models.Sequential()
    model.add(Conv2D(32, kernel_size=(3, 3), input_shape=(28, 28, 1)))
    model.add(LeakyReLU(alpha=negative_slope))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Conv2D(64, kernel_size=(3, 3)))
    model.add(LeakyReLU(alpha=negative_slope))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(256))
    model.add(LeakyReLU(alpha=negative_slope))
    model.add(Dense(10, activation="softmax"))
    model.compile(loss=keras.losses.categorical_crossentropy,
                  optimizer=keras.optimizers.Adam(), metrics=["accuracy"])
    return model


def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=VERBOSE,
                        validation_split=validation_split)
    return history


explain_comparison = """
Leaky ReLU got a higher accuracy in both runs, so it is better, because it does not have
dead neurons. The difference is small because MNIST is easy.
"""
