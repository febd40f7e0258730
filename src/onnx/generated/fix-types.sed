# In the generated classes (fields indented 8 spaces), a decoded nested message is an instance of its
# class, not a bag of optional properties: type it so. Interfaces (indented 12) are left unchanged.
/^        [A-Za-z$]\+?\?: /s/\(onnx\.[A-Za-z.]*\)\.\$Properties/\1/g
