fn main() {
    print!("{}", api::openapi::document_json());
}
